package dev.slipway.engine;

import dev.slipway.release.Release;
import java.time.Instant;

/**
 * Waking a release at a time (a delayed message to the deployment step's queue in AWS): how a bake
 * ends at its time rather than at the reconciler's next tick.
 */
public interface Timers {

  /** Have {@code release} handed a bake-timer event at {@code at} (or soon before, if capped). */
  void wakeAt(Release release, Instant at) throws Unavailable, Refused;
}
