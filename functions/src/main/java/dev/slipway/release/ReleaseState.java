package dev.slipway.release;

/**
 * Where a release is in its lifecycle (architecture §3). The order of the constants is the order of
 * progress: a release only ever moves to a later state, and the final states are terminal.
 */
public enum ReleaseState {
  REQUESTED,
  BUILDING,
  IMAGE_READY,
  SCANNING,
  AWAITING_APPROVAL,
  APPROVED,
  DEPLOYING,
  /**
   * Live in an environment that is not the last, baked there, and waiting to be promoted to the
   * next (by a person, or, when the manifest says so, by itself).
   */
  AWAITING_PROMOTION,
  LIVE,
  BLOCKED,
  REJECTED,
  FAILED,
  ROLLED_BACK,
  SUPERSEDED;

  /** True for states no event can leave. */
  public boolean isFinal() {
    return ordinal() >= LIVE.ordinal();
  }

  /**
   * True when {@code next} is progress from this state: never backwards, except into the next
   * environment's approval or deployment once promoted; and out of a final state only from LIVE to
   * ROLLED_BACK, a person's rollback of a live release (architecture §3).
   */
  public boolean canMoveTo(ReleaseState next) {
    if (this == LIVE) {
      return next == ROLLED_BACK;
    }
    if (this == AWAITING_PROMOTION && (next == AWAITING_APPROVAL || next == DEPLOYING)) {
      return true; // promoted: the same steps again, in the next environment
    }
    return !isFinal() && next.ordinal() > ordinal();
  }
}
