package dev.slipway.engine;

import dev.slipway.release.Release;
import java.util.List;
import java.util.Optional;

/**
 * Where releases are kept (the port; S3 in AWS). Every write is conditional: {@link #create} only
 * when absent, {@link #replace} only when the stored version is the one read. An empty (or {@code
 * false}) result means someone else wrote first: re-read and decide again. A release write that
 * wins answers the version it stored, so the writer can go on from its own write without reading it
 * back (if someone wrote in between, its next conditional write fails and it re-reads).
 */
public interface ReleaseLedger {

  /** Which release: the service and the release id. */
  record ReleaseKey(String service, String releaseId) {}

  /** A stored value and the version (an S3 ETag) to replace it conditionally. */
  record Versioned<T>(T value, String version) {}

  Optional<Versioned<Release>> read(String service, String releaseId);

  /** Stores a new release; its version, or empty when it exists already. */
  Optional<String> create(Release release);

  /** Replaces the release stored at {@code version}; the new version, or empty when it changed. */
  Optional<String> replace(Release release, String version);

  Optional<Versioned<ServiceIndex>> readIndex(String service);

  boolean createIndex(ServiceIndex index);

  boolean replaceIndex(ServiceIndex index, String version);

  /**
   * Remembers which release a join key belongs to: {@code digest/sha256:...} for image digests,
   * {@code deployment/<id>} for ECS deployments. Idempotent.
   */
  void link(String key, ReleaseKey release);

  /**
   * Points a join key at {@code release} whatever it pointed at before: for ECS deployment ids,
   * which AWS never reuses but the emulator does (one per service), so the newest deployment wins.
   */
  void relink(String key, ReleaseKey release);

  /** The release a join key belongs to. */
  Optional<ReleaseKey> linked(String key);

  /** Every service with an index. */
  List<String> services();
}
