package dev.slipway.engine;

import dev.slipway.release.Effect;
import dev.slipway.release.Release;
import java.util.List;

/** Slipway's own events, for people and other systems (EventBridge in AWS). */
public interface Announcements {

  /** Announces {@code publish} of {@code release}; consumers deduplicate by release and type. */
  void publish(Release release, Effect.Publish publish) throws Unavailable, Refused;

  /**
   * Announces each of {@code publishes} (at most ten) of {@code release}: all of them, or an
   * exception (some may have gone out: announcements are at least once).
   */
  default void publishAll(Release release, List<Effect.Publish> publishes)
      throws Unavailable, Refused {
    for (Effect.Publish publish : publishes) {
      publish(release, publish);
    }
  }
}
