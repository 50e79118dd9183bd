package dev.slipway.event;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Findings per severity as a scan reported them. AWS sends only some severities (ECR basic scans
 * omit zero counts; Inspector adds a {@code TOTAL} that is not a severity and is dropped here), so
 * {@link #count} is 0 for any severity not present.
 */
public record SeverityCounts(Map<String, Long> counts) {
  public static final SeverityCounts NONE = new SeverityCounts(Map.of());

  public SeverityCounts {
    Objects.requireNonNull(counts, "counts");
    Map<String, Long> copy = new LinkedHashMap<>();
    counts.forEach(
        (severity, count) -> {
          if (count == null || count < 0) {
            throw new IllegalArgumentException("count for " + severity + " must be >= 0");
          }
          copy.put(severity.toUpperCase(Locale.ROOT), count);
        });
    counts = Collections.unmodifiableMap(copy);
  }

  /** Findings of {@code severity} (case-insensitive); 0 when the scan did not mention it. */
  public long count(String severity) {
    return counts.getOrDefault(severity.toUpperCase(Locale.ROOT), 0L);
  }
}
