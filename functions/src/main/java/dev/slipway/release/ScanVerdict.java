package dev.slipway.release;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The scan gate's decision for one image: findings are matched against the policy, allow-listed ids
 * that have not expired are set aside (each kept in {@code allowed} with its expiry and reason),
 * and the most severe outcome wins: BLOCK over APPROVE over PASS.
 */
public record ScanVerdict(
    Outcome outcome, Map<Severity, Integer> counts, List<String> deciding, List<String> allowed) {
  public enum Outcome {
    PASS,
    APPROVE,
    BLOCK
  }

  public ScanVerdict {
    counts = Collections.unmodifiableMap(new TreeMap<>(counts));
    deciding = List.copyOf(deciding);
    allowed = List.copyOf(allowed);
  }

  /** Applies {@code policy} on {@code today} to {@code findings}. */
  public static ScanVerdict evaluate(ScanPolicy policy, List<Finding> findings, LocalDate today) {
    Map<Severity, Integer> counts = new TreeMap<>();
    List<String> blocking = new ArrayList<>();
    List<String> approving = new ArrayList<>();
    List<String> allowed = new ArrayList<>();
    for (Finding finding : findings) {
      counts.merge(finding.severity(), 1, Integer::sum);
      Optional<ScanPolicy.Allowance> allowance =
          policy.allow().stream()
              .filter(a -> a.id().equals(finding.id()) && !a.isExpired(today))
              .findFirst();
      if (allowance.isPresent()) {
        // The ledger keeps which finding was let through, until when, and the reviewer's reason.
        allowed.add(
            finding.id()
                + " ("
                + finding.severity()
                + ") allowed until "
                + allowance.get().expires()
                + ": "
                + allowance.get().reason());
      } else if (policy.block().contains(finding.severity())) {
        blocking.add(finding.id() + " (" + finding.severity() + ")");
      } else if (policy.approve().contains(finding.severity())) {
        approving.add(finding.id() + " (" + finding.severity() + ")");
      }
    }
    if (!blocking.isEmpty()) {
      return new ScanVerdict(Outcome.BLOCK, counts, dedupe(blocking), dedupe(allowed));
    }
    if (!approving.isEmpty()) {
      return new ScanVerdict(Outcome.APPROVE, counts, dedupe(approving), dedupe(allowed));
    }
    return new ScanVerdict(Outcome.PASS, counts, List.of(), dedupe(allowed));
  }

  private static List<String> dedupe(List<String> values) {
    return values.stream().distinct().sorted().toList();
  }
}
