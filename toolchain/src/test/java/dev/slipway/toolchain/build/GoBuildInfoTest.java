package dev.slipway.toolchain.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class GoBuildInfoTest {
  private static final String OUTPUT =
      "dist/svc: go1.26.8\n"
          + "\tpath\texample.com/svc/cmd/svc\n"
          + "\tmod\texample.com/svc\t(devel)\t\n"
          + "\tdep\tgolang.org/x/net\tv0.21.0\th1:AQyn9Ke3JNtQpGWUdhnkZUR5Vi3FpBzkZh0rHdy8Mb8=\n"
          + "\tdep\tgithub.com/old/lib\tv1.0.0\th1:abc=\n"
          + "\t=>\tgithub.com/fork/lib\tv1.0.1\th1:def=\n"
          + "\tbuild\t-buildmode=exe\n"
          + "\tbuild\t-trimpath=true\n"
          + "\tbuild\tCGO_ENABLED=0\n"
          + "\tbuild\tGOARCH=arm64\n";

  @Test
  void parse_readsVersionModulesReplacementsAndSettings() {
    GoBuildInfo info = GoBuildInfo.parse(OUTPUT);

    assertThat(info.goVersion()).isEqualTo("go1.26.8");
    assertThat(info.mainPackage()).isEqualTo("example.com/svc/cmd/svc");
    assertThat(info.main())
        .isEqualTo(new GoBuildInfo.Module("example.com/svc", "(devel)", null, null));
    assertThat(info.deps()).hasSize(2);
    assertThat(info.deps().get(0).path()).isEqualTo("golang.org/x/net");
    assertThat(info.deps().get(0).version()).isEqualTo("v0.21.0");
    assertThat(info.deps().get(1).effective().path()).isEqualTo("github.com/fork/lib");
    assertThat(info.settings())
        .containsEntry("-trimpath", "true")
        .containsEntry("CGO_ENABLED", "0")
        .containsEntry("GOARCH", "arm64")
        .containsEntry("-buildmode", "exe");
  }

  @Test
  void parse_whenNotBuildInfo_refuses() {
    assertThatThrownBy(() -> GoBuildInfo.parse("hello"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> GoBuildInfo.parse("")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void sbom_listsStdlibAndEffectiveModules_withoutTimestampOrSerial() {
    String sbom =
        Sbom.cycloneDx("svc", "r1", java.util.Map.of("linux/arm64", GoBuildInfo.parse(OUTPUT)));

    assertThat(sbom)
        .contains("\"specVersion\" : \"1.6\"")
        .contains("pkg:golang/stdlib@1.26.8")
        .contains("pkg:golang/golang.org/x/net@v0.21.0")
        .contains("pkg:golang/github.com/fork/lib@v1.0.1")
        .doesNotContain("github.com/old/lib")
        .doesNotContain("timestamp")
        .doesNotContain("serialNumber");
    assertThat(sbom)
        .isEqualTo(
            Sbom.cycloneDx(
                "svc", "r1", java.util.Map.of("linux/arm64", GoBuildInfo.parse(OUTPUT))));
  }
}
