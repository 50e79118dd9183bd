package dev.slipway.engine;

import dev.slipway.release.Release;
import java.util.Optional;

/**
 * The release records. Every write is conditional: {@link #create} only when absent, {@link
 * #replace} only when the stored version is the one read. An empty result means someone else wrote
 * first: re-read and decide again. A write that wins answers the version it stored, so the writer
 * can go on from its own write without reading it back.
 */
public interface ReleaseStore {

  /** Which release: the service and the release id. */
  record ReleaseKey(String service, String releaseId) {}

  /** A stored value and the version (an S3 ETag) to replace it conditionally. */
  record Versioned<T>(T value, String version) {}

  Optional<Versioned<Release>> read(String service, String releaseId);

  /** Stores a new release; its version, or empty when it exists already. */
  Optional<String> create(Release release);

  /** Replaces the release stored at {@code version}; the new version, or empty when it changed. */
  Optional<String> replace(Release release, String version);
}
