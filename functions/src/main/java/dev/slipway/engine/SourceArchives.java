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
   * One page of the archives under {@code sources/} (their current versions), in key order, with
   * when each was uploaded: from where the page before ended ({@code after}, as that page's {@code
   * next} named it), from the first when null. The reconciler's way to find an upload whose event
   * was lost, a page a tick (issue 19: a tick's cost does not grow with the uploads kept).
   */
  UploadPage uploads(String after) throws Unavailable;

  /** One uploaded archive and when it was uploaded. */
  record Upload(SourceRef source, java.time.Instant at) {}

  /**
   * A page of uploads, and where the next page starts (the store's own marker, opaque to the
   * caller): null when this page ended the listing.
   */
  record UploadPage(java.util.List<Upload> uploads, String next) {
    public UploadPage {
      uploads = java.util.List.copyOf(uploads);
    }
  }

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
