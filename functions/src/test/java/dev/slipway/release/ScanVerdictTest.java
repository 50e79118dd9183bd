package dev.slipway.release;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The scan gate's allowances: a reviewed finding passes until its expiry, and no longer. */
class ScanVerdictTest {
  static final Finding HIGH =
      new Finding("GO-2023-2102", Severity.HIGH, "golang.org/x/net", "v0.15.0");
  static final ScanPolicy ALLOWING =
      new ScanPolicy(
          ScanPolicy.DEFAULT.block(),
          ScanPolicy.DEFAULT.approve(),
          List.of(
              new ScanPolicy.Allowance(
                  "GO-2023-2102", LocalDate.parse("2026-12-31"), "HTTP/2 is not served")));

  @Test
  void anAllowedFinding_passes_andTheVerdictKeepsWhichAndWhy() {
    ScanVerdict verdict =
        ScanVerdict.evaluate(ALLOWING, List.of(HIGH), LocalDate.parse("2026-12-31"));
    assertThat(verdict.outcome()).isEqualTo(ScanVerdict.Outcome.PASS);
    assertThat(verdict.allowed())
        .containsExactly("GO-2023-2102 (HIGH) allowed until 2026-12-31: HTTP/2 is not served");
  }

  @Test
  void anExpiredAllowance_blocksAsIfItWereNotThere() {
    ScanVerdict verdict =
        ScanVerdict.evaluate(ALLOWING, List.of(HIGH), LocalDate.parse("2027-01-01"));
    assertThat(verdict.outcome()).isEqualTo(ScanVerdict.Outcome.BLOCK);
    assertThat(verdict.deciding()).containsExactly("GO-2023-2102 (HIGH)");
    assertThat(verdict.allowed()).isEmpty();
  }

  @Test
  void anAllowanceForAnotherId_allowsNothing() {
    Finding other = new Finding("CVE-2024-0001", Severity.HIGH, "m", "v1.0.0");
    ScanVerdict verdict =
        ScanVerdict.evaluate(ALLOWING, List.of(HIGH, other), LocalDate.parse("2026-12-02"));
    assertThat(verdict.outcome()).isEqualTo(ScanVerdict.Outcome.BLOCK);
    assertThat(verdict.deciding()).containsExactly("CVE-2024-0001 (HIGH)");
    assertThat(verdict.allowed()).hasSize(1);
  }
}
