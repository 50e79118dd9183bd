package dev.slipway.toolchain.image;

/** A registry could not be reached or refused a request; the message says which and why. */
public final class RegistryException extends Exception {
  private static final long serialVersionUID = 1L;

  public RegistryException(String message) {
    super(message, null, false, false);
  }
}
