package dev.slipway.release;

import java.util.Objects;

/**
 * One thing wrong with a manifest or a source tree: the field path ({@code targets[2]}, {@code
 * scan.allow[0].expires}, or a file name for tree problems) and what is wrong, with the bad value.
 */
public record Problem(String path, String message) {
  public Problem {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(message, "message");
  }

  /** {@code slipway.json: targets[2]: 'linux/sparc' is not a supported platform (...)}. */
  public String line() {
    return path + ": " + message;
  }
}
