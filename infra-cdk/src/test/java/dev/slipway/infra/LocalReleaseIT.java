package dev.slipway.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's first command, end to end on this machine: `slipway local --release` (what `slipway
 * demo` runs) takes a real upload through the CDK app's rules (from the template synthesized by
 * this module's tests), real builds with the local Go, a real registry, the scanner, and hello-go
 * as a process, to LIVE; and a version whose readiness never passes is rolled back.
 */
class LocalReleaseIT {
  static final Path ROOT = Path.of(System.getProperty("slipway.root", ".."));
  static final Path TEMPLATE =
      Path.of(System.getProperty("slipway.templateDir", "target/templates"))
          .resolve("SlipwayPipeline.template.json");

  @TempDir Path tmp;

  LocalSupport.Run local(Path source) {
    return LocalSupport.run(
        "local",
        "--state",
        tmp.resolve("state").toString(),
        "--template",
        TEMPLATE.toString(),
        "--release",
        source.toString(),
        "--timeout",
        "240");
  }

  @Test
  void helloGo_goesLive() {
    assertThat(TEMPLATE).as("synthesized by PipelineStackTest").exists();

    LocalSupport.Run run = local(LocalSupport.EXAMPLE);

    assertThat(run.code()).as(String.join("\n", run.out())).isZero();
    assertThat(run.out()).anyMatch(l -> l.contains(" BUILDING "));
    assertThat(run.out()).anyMatch(l -> l.contains(" IMAGE_READY "));
    // the compile build's report: four binaries with their sizes, and the Go that built them
    assertThat(run.out())
        .anyMatch(
            l ->
                l.matches(
                    "  binaries: linux/amd64 \\d+\\.\\d MiB, linux/arm64 \\d+\\.\\d MiB,"
                        + " darwin/arm64 \\d+\\.\\d MiB, windows/amd64 \\d+\\.\\d MiB \\(go1\\.\\d+.*\\)"));
    assertThat(run.out())
        .anyMatch(l -> l.contains(" APPROVED ") && l.contains("scan passed the policy"));
    assertThat(run.out())
        .anyMatch(l -> l.contains(" LIVE ") && l.contains("healthy through the bake time"));
    // After the runtime's five lines (endpoints, bucket, state, the web page, how to push): the
    // push's id.
    assertThat(run.out().get(3))
        .matches("slipway local: the releases, live: http://127\\.0\\.0\\.1:\\d+/");
    String releaseId = run.out().get(5);
    assertThat(releaseId).startsWith("hello-go-");
    assertThat(run.out().stream().filter(l -> l.contains(" LIVE after ")).findFirst())
        .get()
        .asString()
        .startsWith(releaseId + " LIVE after ")
        .contains("scan clean");
    // The demo's last word: the service answering on its port with the new release id.
    assertThat(run.out().get(run.out().size() - 1))
        .matches(
            "slipway local: hello-go answers at http://127\\.0\\.0\\.1:\\d+/version: 200"
                + " \\{\"version\":\""
                + releaseId
                + "\"\\}");
  }

  @Test
  void aVersionThatNeverGetsReady_isRolledBack() throws Exception {
    Path broken =
        LocalSupport.example(
            tmp.resolve("broken"),
            "ready.set(true)",
            "ready.set(false) // this version never gets ready");

    LocalSupport.Run run = local(broken);

    assertThat(run.code()).as(String.join("\n", run.out())).isEqualTo(13);
    assertThat(run.out().get(run.out().size() - 1))
        .contains(" ROLLED_BACK ")
        .contains("circuit breaker");
  }
}
