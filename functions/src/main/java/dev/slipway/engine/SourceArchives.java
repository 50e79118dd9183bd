package dev.slipway.engine;

import dev.slipway.release.ReleaseConfig;
import dev.slipway.release.SourceRef;

/**
 * Reads an uploaded source archive and checks it the way `slipway plan` does: the port behind the
 * source-uploaded handler (S3 and a bounded, safe extractor in AWS).
 */
public interface SourceArchives {

  /** The manifest's configuration, or why the archive or its tree is unusable. */
  Checked check(SourceRef source);

  /**
   * The archives under {@code sources/} (their current versions) uploaded at or after {@code
   * since}, with when: the reconciler's way to find an upload whose event was lost.
   */
  java.util.List<Upload> uploadedSince(java.time.Instant since) throws Unavailable;

  /** One uploaded archive and when it was uploaded. */
  record Upload(SourceRef source, java.time.Instant at) {}

  /**
   * Either a usable configuration, with the service its manifest names (which the upload's key must
   * agree with), or the reason there is none.
   */
  record Checked(String service, ReleaseConfig config, String invalidReason) {
    public static Checked valid(String service, ReleaseConfig config) {
      return new Checked(service, config, null);
    }

    public static Checked invalid(String reason) {
      return new Checked(null, null, reason);
    }
  }
}
