package dev.slipway.toolchain.build;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.release.BuildPlan;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The user's tests run without the build's credentials (issue 14). */
class ProcessRunnerTest {
  static final Map<String, String> BUILD_ROLE =
      Map.of(
          "AWS_ACCESS_KEY_ID", "AKIAEXAMPLE",
          "AWS_SECRET_ACCESS_KEY", "secret",
          "AWS_SESSION_TOKEN", "token",
          "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/credentials/guid",
          "AWS_ENDPOINT_URL", "http://127.0.0.1:1",
          "GOFLAGS", "-mod=readonly");

  String env(boolean withoutCredentials, Path dir) throws Exception {
    ProcessRunner.Outcome outcome =
        new ProcessRunner(Duration.ofSeconds(30))
            .run(new BuildPlan.Command(List.of("env"), BUILD_ROLE, withoutCredentials), dir);
    assertThat(outcome.succeeded()).isTrue();
    return outcome.output();
  }

  @Test
  void aCommandRunningTheUsersCode_seesNoCredentials(@TempDir Path dir) throws Exception {
    String env = env(true, dir);
    assertThat(env)
        .doesNotContain("AKIAEXAMPLE", "secret", "token", "/v2/credentials/guid", "127.0.0.1:1")
        .contains("AWS_SHARED_CREDENTIALS_FILE=/dev/null")
        .contains("AWS_CONFIG_FILE=/dev/null")
        .contains("AWS_EC2_METADATA_DISABLED=true")
        .contains("GOFLAGS=-mod=readonly");
  }

  @Test
  void theBuildsOwnCommands_keepTheirEnvironment(@TempDir Path dir) throws Exception {
    assertThat(env(false, dir)).contains("AWS_SECRET_ACCESS_KEY=secret");
  }
}
