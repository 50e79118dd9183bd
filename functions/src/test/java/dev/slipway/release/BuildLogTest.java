package dev.slipway.release;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BuildLogTest {
  @Test
  void goDiagnostics_winOverTheFailLinesAfterThem() {
    String log =
        """
        slipway build: failed: go test -trimpath ./... failed (exit 1):
        # example.com/hello-go [example.com/hello-go.test]
        ./main.go:40:13: undefined: notDefinedAnywhere
        FAIL	example.com/hello-go [build failed]
        FAIL
        [Container] Command did not exit successfully
        """;

    assertThat(BuildLog.errorLine(log)).contains("./main.go:40:13: undefined: notDefinedAnywhere");
  }

  @Test
  void withoutADiagnostic_theLastFailureLine_elseTheLastLine() {
    assertThat(BuildLog.errorLine("step one\nerror: disk full\ncleanup done\n"))
        .contains("error: disk full");
    assertThat(BuildLog.errorLine("only this\n[Container] Phase complete\n")).contains("only this");
    assertThat(BuildLog.errorLine("\n[Container] x\n")).isEmpty();
  }

  @Test
  void controlCharactersAndLength_areBounded() {
    assertThat(BuildLog.errorLine("main.go:1: bad \u001b[31mred"))
        .contains("main.go:1: bad ?[31mred");
    assertThat(BuildLog.errorLine("x".repeat(1000)).orElseThrow()).hasSize(303);
  }
}
