package dev.slipway.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CodeBuild's buildspec semantics, as the local stand-in runs them with bash. */
class BuildspecTest {
  @TempDir Path tmp;

  record Ran(int code, String out) {}

  Ran run(String yaml) throws Exception {
    Path script = Buildspec.parse(yaml).script(tmp.resolve("script"));
    Process p =
        new ProcessBuilder("bash", script.toString())
            .directory(tmp.toFile())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return new Ran(p.exitValue(), out);
  }

  @Test
  void commandsShareOneSession_acrossPhases() throws Exception {
    Ran ran =
        run(
            """
            version: 0.2
            phases:
              install:
                commands:
                  - export GREETING=hello
                  - cd sub 2>/dev/null || mkdir sub && cd sub
              build:
                commands:
                  - set -o pipefail
                  - echo "$GREETING from $(basename "$PWD")"
            """);

    assertThat(ran.code()).as(ran.out()).isZero();
    assertThat(ran.out()).contains("hello from sub");
  }

  @Test
  void aFailingBuildCommand_failsTheBuild_skipsTheRestOfThePhase_butRunsPostBuild()
      throws Exception {
    Ran ran =
        run(
            """
            version: 0.2
            phases:
              build:
                commands:
                  - set -o pipefail; false | tee out.txt
                  - echo never
                finally:
                  - echo finally-ran
              post_build:
                commands:
                  - echo "post-build succeeding=$CODEBUILD_BUILD_SUCCEEDING"
            """);

    assertThat(ran.code()).isNotZero();
    assertThat(ran.out())
        .doesNotContain("never")
        .contains("finally-ran")
        .contains("Phase complete: BUILD State: FAILED")
        .contains("post-build succeeding=0");
  }

  @Test
  void aFailedInstall_skipsEverythingAfterIt() throws Exception {
    Ran ran =
        run(
            """
            version: 0.2
            phases:
              install:
                commands:
                  - exit_status_three() { return 3; }; exit_status_three
              build:
                commands:
                  - echo build-ran
              post_build:
                commands:
                  - echo post-build-ran
            """);

    assertThat(ran.code()).isNotZero();
    assertThat(ran.out())
        .contains("exit status 3")
        .doesNotContain("build-ran")
        .doesNotContain("post-build-ran");
  }

  @Test
  void artifacts_areTakenFromTheBaseDirectory_withCodeBuildsGlobs() throws Exception {
    Buildspec spec =
        Buildspec.parse(
            """
            version: 0.2
            phases:
              build:
                commands: [true]
            artifacts:
              base-directory: dist
              files:
                - "**/*"
            """);
    Files.createDirectories(tmp.resolve("dist/linux"));
    Files.writeString(tmp.resolve("dist/SHA256SUMS"), "x");
    Files.writeString(tmp.resolve("dist/linux/app"), "x");
    Files.writeString(tmp.resolve("outside"), "x");

    assertThat(spec.artifacts(tmp)).containsExactly(Path.of("SHA256SUMS"), Path.of("linux/app"));
  }

  @Test
  void onlyVersion02InBash_isRun() {
    assertThatThrownBy(() -> Buildspec.parse("version: 0.1\nphases: {}\n"))
        .isInstanceOf(Buildspec.Invalid.class)
        .hasMessageContaining("0.2");
    assertThatThrownBy(() -> Buildspec.parse("version: 0.2\nenv:\n  shell: pwsh\nphases: {}\n"))
        .isInstanceOf(Buildspec.Invalid.class)
        .hasMessageContaining("pwsh");
  }
}
