package dev.slipway.release;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GoModuleTest {
  @Test
  void parse_readsModuleGoAndToolchainLines() {
    assertThat(
            GoModule.parse(
                "// comment\nmodule example.com/a/b // the module\n\ngo 1.23.4\n\ntoolchain go1.24.1\n\nrequire golang.org/x/net v0.30.0\n"))
        .contains(new GoModule("example.com/a/b", "1.23.4", "go1.24.1"));
  }

  @Test
  void parse_acceptsAQuotedModulePathAndNoGoLine() {
    assertThat(GoModule.parse("module \"example.com/q\"\n"))
        .contains(new GoModule("example.com/q", null, null));
  }

  @Test
  void parse_whenThereIsNoModuleLine_isEmpty() {
    assertThat(GoModule.parse("go 1.22\n")).isEmpty();
  }
}
