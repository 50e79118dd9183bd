package dev.slipway.release;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SourceRefTest {
  private static final String KEY = "sources/hello-go/20261128T023620Z-33062c273930.tar.gz";

  @Test
  void unversionedBucket_theNullVersion_isKnownByKeyAndEtag() {
    SourceRef fromEvent = new SourceRef("b", KEY, "null", "abc");
    SourceRef fromPut = new SourceRef("b", KEY, null, "abc");

    assertThat(fromEvent.versionId()).isNull();
    assertThat(fromEvent.releaseId()).isEqualTo(fromPut.releaseId()).startsWith("hello-go-");
  }

  @Test
  void versionedBucket_versionsGiveDifferentReleases_sameVersionTheSame() {
    assertThat(new SourceRef("b", KEY, "v1", "abc").releaseId())
        .isNotEqualTo(new SourceRef("b", KEY, "v2", "abc").releaseId())
        .isEqualTo(new SourceRef("b", KEY, "v1", "other").releaseId());
  }

  @Test
  void unversioned_differentContent_differentRelease() {
    assertThat(new SourceRef("b", KEY, null, "abc").releaseId())
        .isNotEqualTo(new SourceRef("b", KEY, null, "abd").releaseId());
  }
}
