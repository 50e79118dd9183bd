package dev.slipway.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.KeyValuePair;

/** Issue 14's local hardening, piece by piece (the drill runs them together). */
class LocalHardeningTest {
  @Test
  void aLocalTask_getsOnlyItsTaskDefinitionsEnvironment_thePortAndLoopback() {
    ContainerDefinition container =
        ContainerDefinition.builder()
            .name("hello-go")
            .environment(KeyValuePair.builder().name("GREETING").value("hi").build())
            .build();

    Map<String, String> env = TaskRunner.taskEnvironment(container, 4242);

    assertThat(env)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("GREETING", "hi", "PORT", "4242", "HOST", "127.0.0.1"));
    // Whatever this process holds (a developer's credentials, PATH, HOME) stays out.
    assertThat(System.getenv()).containsKey("PATH");
    assertThat(env)
        .doesNotContainKeys("PATH", "HOME", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY");
  }

  @Test
  void theStateDirectoryAndJournal_areTheOwnersOnly(@TempDir Path tmp) throws Exception {
    Path state = tmp.resolve("state");
    Files.createDirectories(state);
    Files.setPosixFilePermissions(state, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.writeString(state.resolve(StateDirectory.JOURNAL), "{}\n");
    Files.setPosixFilePermissions(
        state.resolve(StateDirectory.JOURNAL), PosixFilePermissions.fromString("rw-r--r--"));

    StateDirectory.secure(state);

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(state)))
        .isEqualTo("rwx------");
    assertThat(
            PosixFilePermissions.toString(
                Files.getPosixFilePermissions(state.resolve(StateDirectory.JOURNAL))))
        .isEqualTo("rw-------");
    assertThat(Files.readString(state.resolve(StateDirectory.JOURNAL))).isEqualTo("{}\n");
  }

  @Test
  void theBuildStandIn_refusesAReleaseIdThatIsNotOne() {
    for (String crafted : new String[] {"../../etc", "hello-go-0001/../x", "nothing", ""}) {
      assertThat(
              BuildExecutor.releaseIdProblem(
                  Json.parse(
                      "{\"environmentVariablesOverride\": [{\"name\": \"SLIPWAY_RELEASE_ID\","
                          + " \"value\": \""
                          + crafted
                          + "\"}]}",
                      "$")))
          .as(crafted)
          .contains("is not a release id");
    }
    assertThat(BuildExecutor.releaseIdProblem(Json.parse("{}", "$")))
        .isEqualTo("environmentVariablesOverride: SLIPWAY_RELEASE_ID is missing");
    assertThat(
            BuildExecutor.releaseIdProblem(
                Json.parse(
                    "{\"environmentVariablesOverride\": [{\"name\": \"SLIPWAY_RELEASE_ID\","
                        + " \"value\": \"hello-go-0001fa375608\"}]}",
                    "$")))
        .isNull();
  }
}
