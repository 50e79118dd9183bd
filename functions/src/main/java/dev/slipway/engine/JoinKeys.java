package dev.slipway.engine;

import java.util.Optional;

/**
 * Which release an AWS identifier belongs to (architecture §3's join keys): {@code
 * digest/sha256:...} for image digests, {@code deployment/<id>} for ECS deployments, and the
 * pipeline's marks.
 */
public interface JoinKeys {

  /**
   * Remembers which release a join key belongs to; the first writer wins. Idempotent. True when
   * this write made the link, false when the key already held one (this release's, another's, or a
   * mark): one conditional write either way, no read.
   */
  boolean link(String key, ReleaseStore.ReleaseKey release);

  /**
   * Points a join key at {@code release} whatever it pointed at before: for ECS deployment ids,
   * which AWS never reuses but the emulator does (one per service), so the newest deployment wins.
   */
  void relink(String key, ReleaseStore.ReleaseKey release);

  /** The release a join key belongs to. */
  Optional<ReleaseStore.ReleaseKey> linked(String key);
}
