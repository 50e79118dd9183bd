package dev.slipway.release;

import java.time.LocalDate;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The scan gate of one service: findings of a {@code block} severity stop the release, of an {@code
 * approve} severity make it wait for a person; findings listed in {@code allow} are ignored until
 * their expiry date.
 */
public record ScanPolicy(Set<Severity> block, Set<Severity> approve, List<Allowance> allow) {
  /** CRITICAL and HIGH block, MEDIUM needs approval, nothing is allowed. */
  public static final ScanPolicy DEFAULT =
      new ScanPolicy(Set.of(Severity.CRITICAL, Severity.HIGH), Set.of(Severity.MEDIUM), List.of());

  public ScanPolicy {
    block = Collections.unmodifiableSet(sorted(block));
    approve = Collections.unmodifiableSet(sorted(approve));
    allow = List.copyOf(allow);
  }

  private static EnumSet<Severity> sorted(Set<Severity> severities) {
    EnumSet<Severity> out = EnumSet.noneOf(Severity.class);
    out.addAll(severities);
    return out;
  }

  /**
   * One allow-listed finding id (a CVE, GHSA or Go vulnerability id), ignored up to and including
   * {@code expires}, with the reason a reviewer accepted.
   */
  public record Allowance(String id, LocalDate expires, String reason) {
    public Allowance {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(expires, "expires");
      Objects.requireNonNull(reason, "reason");
    }

    /** True when this allowance no longer applies on {@code today}. */
    public boolean isExpired(LocalDate today) {
      return today.isAfter(expires);
    }
  }
}
