package dev.slipway.engine;

import dev.slipway.release.Effect;
import dev.slipway.release.Release;

/** Slipway's own events, for people and other systems (EventBridge in AWS). */
public interface Announcements {

  /** Announces {@code publish} of {@code release}; consumers deduplicate by release and type. */
  void publish(Release release, Effect.Publish publish) throws Unavailable, Refused;
}
