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

  /** Either a usable configuration or the reason there is none. */
  record Checked(ReleaseConfig config, String invalidReason) {
    public static Checked valid(ReleaseConfig config) {
      return new Checked(config, null);
    }

    public static Checked invalid(String reason) {
      return new Checked(null, reason);
    }
  }
}
