package dev.slipway.toolchain.image;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ImageReferenceTest {
  @Test
  void parse_readsRegistryRepositoryTagAndDigest() {
    String digest = "sha256:" + "a".repeat(64);
    assertThat(
            ImageReference.parse(
                "123456789012.dkr.ecr.eu-west-1.amazonaws.com/slipway/hello-go:r1@" + digest))
        .contains(
            new ImageReference(
                "123456789012.dkr.ecr.eu-west-1.amazonaws.com", "slipway/hello-go", "r1", digest));
    assertThat(ImageReference.parse("127.0.0.1:5000/app"))
        .contains(new ImageReference("127.0.0.1:5000", "app", null, null));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "app",
        "team/app",
        "Registry.example.com/App",
        "r.example.com/app:-bad",
        "r.example.com/app;rm",
        "r.example.com/app@sha256:zz"
      })
  void parse_refusesWhatIsNotAFullReference(String text) {
    assertThat(ImageReference.parse(text)).isEmpty();
  }

  @Test
  void loopbackRegistries_areRecognised() {
    assertThat(ImageReference.parse("127.0.0.1:5000/a").orElseThrow().isLoopback()).isTrue();
    assertThat(ImageReference.parse("localhost:5000/a").orElseThrow().isLoopback()).isTrue();
    assertThat(ImageReference.parse("registry.example.com/a").orElseThrow().isLoopback()).isFalse();
  }

  @Test
  void ecrHosts_giveAccountAndRegion() {
    assertThat(EcrCredentials.accountAndRegion("123456789012.dkr.ecr.eu-west-1.amazonaws.com"))
        .hasValueSatisfying(v -> assertThat(v).containsExactly("123456789012", "eu-west-1"));
    assertThat(EcrCredentials.accountAndRegion("ghcr.io")).isEmpty();
  }
}
