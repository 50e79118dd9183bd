package dev.slipway.engine;

/**
 * A port's answer "not now": throttled, timed out, a 5xx, the network. The event or effect is tried
 * again later (the message comes back; the reconciler's next tick). Every adapter turns its API's
 * transient errors into this, and only this.
 */
public final class Unavailable extends Exception {
  private static final long serialVersionUID = 1L;

  public Unavailable(String message) {
    super(message, null, false, false);
  }
}
