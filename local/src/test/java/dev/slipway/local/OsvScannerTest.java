package dev.slipway.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.release.Finding;
import dev.slipway.release.Severity;
import dev.slipway.toolchain.build.GoBuildInfo;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OsvScannerTest {
  static GoBuildInfo binary(String go, String xnet) {
    List<GoBuildInfo.Module> deps =
        xnet == null
            ? List.of()
            : List.of(new GoBuildInfo.Module("golang.org/x/net", xnet, null, null));
    return new GoBuildInfo(
        go,
        "example.com/svc",
        new GoBuildInfo.Module("example.com/svc", "(devel)", null, null),
        deps,
        Map.of());
  }

  @Test
  void bundledAdvisories_matchVulnerableModulesAndStdlib() throws Exception {
    OsvScanner scanner = OsvScanner.load(null);

    assertThat(scanner.scan(binary("go1.21.1", "v0.15.0")))
        .containsExactlyInAnyOrder(
            new Finding("GO-2023-2102", Severity.HIGH, "stdlib", "1.21.1"),
            new Finding("GO-2023-2102", Severity.HIGH, "golang.org/x/net", "v0.15.0"));
    assertThat(scanner.scan(binary("go1.19.0", "v0.0.0-20220101000000-aaaaaaaaaaaa")))
        .extracting(Finding::id)
        .contains("GO-2022-0969", "GO-2023-2102");
  }

  @Test
  void fixedVersions_areClean() throws Exception {
    OsvScanner scanner = OsvScanner.load(null);

    assertThat(scanner.scan(binary("go1.21.3", "v0.17.0"))).isEmpty();
    assertThat(scanner.scan(binary("go1.26.8", null))).isEmpty();
    assertThat(scanner.scan(binary("go1.20.10", "v0.23.0"))).isEmpty();
  }

  @Test
  void compare_ordersGoVersionsWithPreReleases() {
    assertThat(OsvScanner.compare("1.21.0-0", "1.21.0")).isNegative();
    assertThat(OsvScanner.compare("1.21.0", "1.20.10")).isPositive();
    assertThat(OsvScanner.compare("v0.15.0", "0.17.0")).isNegative();
    assertThat(
            OsvScanner.compare(
                "0.0.0-20220101000000-aaaaaaaaaaaa", "0.0.0-20220906165146-f3363e06e74c"))
        .isNegative();
    assertThat(OsvScanner.compare("1.20.10", "1.20.10")).isZero();
  }
}
