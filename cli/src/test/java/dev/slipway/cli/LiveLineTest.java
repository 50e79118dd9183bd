package dev.slipway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.release.BuildPlan;
import dev.slipway.release.Release;
import dev.slipway.release.ReleaseState;
import dev.slipway.toolchain.build.BuildReport;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class LiveLineTest {
  @Test
  void waitingLine_namesTheStateAndHowLong() {
    assertThat(ReleaseOutput.waiting(ReleaseState.DEPLOYING, Duration.ofMillis(12_300)))
        .isEqualTo("  ... DEPLOYING for 12.3s");
    assertThat(ReleaseOutput.waiting(ReleaseState.BUILDING, Duration.ofSeconds(95)))
        .isEqualTo("  ... BUILDING for 1m35s");
  }

  @Test
  void binaries_eachTargetsSizeAndTheGoVersion() {
    BuildReport report =
        new BuildReport(
            "hello-go",
            "hello-go-0123456789ab",
            "example.com/hello",
            "go1.26.8",
            List.of(
                new BuildReport.Target("linux/amd64", "a", 6_004_898, "x", "go1.26.8", 0.8, false),
                new BuildReport.Target("linux/arm64", "b", 2_097_152, "y", "go1.26.8", 0.6, true)),
            "SHA256SUMS",
            "sbom.cdx.json",
            (BuildPlan.ImagePlan) null);
    assertThat(ReleaseOutput.binaries(report))
        .isEqualTo("  binaries: linux/amd64 5.7 MiB, linux/arm64 2.0 MiB (upx) (go1.26.8)");
  }

  private static Release deploying(Instant since) {
    return Release.builder("hello-go-0123456789ab", "hello-go", since)
        .state(ReleaseState.DEPLOYING)
        .history(
            List.of(
                new Release.Transition(
                    since,
                    ReleaseState.APPROVED,
                    ReleaseState.DEPLOYING,
                    "e",
                    "to default/hello-go")))
        .build();
  }

  @Test
  void offATerminal_nothingIsWritten() {
    StringWriter pipe = new StringWriter();
    LiveLine off = new LiveLine(new PrintWriter(pipe), false);
    off.show(deploying(Instant.now()));
    off.clear();
    assertThat(pipe.toString()).isEmpty();
  }

  @Test
  void onATerminal_theLineIsRewrittenInPlace_andClearedBeforeTheNextLine() {
    StringWriter tty = new StringWriter();
    LiveLine on = new LiveLine(new PrintWriter(tty), true);
    on.show(deploying(Instant.now().minusSeconds(5)));
    on.show(deploying(Instant.now().minusSeconds(6)));
    on.clear();
    on.clear(); // nothing more: the line is already gone

    assertThat(tty.toString())
        .matches(
            "\r\033\\[K  \\.\\.\\. DEPLOYING for 5\\.\\ds"
                + "\r\033\\[K  \\.\\.\\. DEPLOYING for 6\\.\\ds"
                + "\r\033\\[K");
  }
}
