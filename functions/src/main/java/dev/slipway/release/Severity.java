package dev.slipway.release;

import java.util.Locale;
import java.util.Optional;

/** Finding severities as ECR and Inspector report them, most severe first. */
public enum Severity {
  CRITICAL,
  HIGH,
  MEDIUM,
  LOW,
  INFORMATIONAL,
  UNDEFINED;

  /** The severity named {@code text} (any case), if there is one. */
  public static Optional<Severity> parse(String text) {
    for (Severity s : values()) {
      if (s.name().equals(text.toUpperCase(Locale.ROOT))) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }
}
