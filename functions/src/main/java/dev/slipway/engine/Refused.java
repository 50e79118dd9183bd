package dev.slipway.engine;

/**
 * A port's answer "never": the API refused the request for good (access denied, a resource that
 * does not exist, a request it calls invalid), or a declaration forbids it. The effect fails the
 * release with this message, which names what was refused and why.
 */
public final class Refused extends Exception {
  private static final long serialVersionUID = 1L;

  public Refused(String message) {
    super(message, null, false, false);
  }
}
