package dev.slipway.release;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The uploaded source archive a release is built from. Its release id is derived from bucket, key
 * and version id (or etag on an unversioned bucket), so a duplicate upload event maps to the same
 * release: {@code <service>-<12 hex of SHA-256>}.
 */
public record SourceRef(String bucket, String key, String versionId, String etag) {
  /** Uploads Slipway acts on: {@code sources/<service>/<name>.zip|.tar.gz|.tgz}. */
  private static final Pattern SOURCE_KEY =
      Pattern.compile(
          "sources/([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)/[^/][^\\u0000]*\\.(?:zip|tar\\.gz|tgz)");

  public SourceRef {
    Objects.requireNonNull(bucket, "bucket");
    Objects.requireNonNull(key, "key");
    // An unversioned bucket reports the version id "null" (S3's name for the unversioned object):
    // the object is then known by its key and ETag, and fetched without a version id.
    if ("null".equals(versionId)) {
      versionId = null;
    }
  }

  /** The service an upload under {@code sources/<service>/} is for; empty for any other key. */
  public static Optional<String> serviceOf(String key) {
    Matcher m = SOURCE_KEY.matcher(key);
    return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
  }

  /** The deterministic release id of this upload. */
  public String releaseId() {
    String service =
        serviceOf(key)
            .orElseThrow(() -> new IllegalStateException(key + " is not under sources/<service>/"));
    String identity =
        bucket + "\n" + key + "\n" + (versionId != null ? "v:" + versionId : "e:" + etag);
    return service + "-" + Sha256.hex(identity).substring(0, 12);
  }

  /** The service part of a release id ({@code hello-go-25f25853d6a0} gives {@code hello-go}). */
  public static Optional<String> serviceOfReleaseId(String releaseId) {
    int dash = releaseId.lastIndexOf('-');
    if (dash <= 0 || releaseId.length() - dash - 1 != 12) {
      return Optional.empty();
    }
    String service = releaseId.substring(0, dash);
    return ManifestGrammar.SERVICE.matcher(service).matches()
        ? Optional.of(service)
        : Optional.empty();
  }
}
