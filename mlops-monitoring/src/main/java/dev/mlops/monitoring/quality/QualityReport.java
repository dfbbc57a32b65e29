package dev.mlops.monitoring.quality;

import java.util.List;

/**
 * Data-quality results of one table.
 *
 * @param rows rows checked
 * @param results every check, in order
 */
public record QualityReport(long rows, List<CheckResult> results) {
  /** Copies the results; the list is immutable. */
  public QualityReport {
    results = List.copyOf(results);
  }

  /** Whether every check passed. */
  public boolean passed() {
    return results.stream().allMatch(CheckResult::passed);
  }

  /** The checks that failed. */
  public List<CheckResult> failures() {
    return results.stream().filter(r -> !r.passed()).toList();
  }
}
