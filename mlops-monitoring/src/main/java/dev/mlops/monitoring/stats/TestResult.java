package dev.mlops.monitoring.stats;

/**
 * The outcome of one two-sample test.
 *
 * @param statistic the test statistic or distance
 * @param pValue the p-value, or NaN for distances that have none
 */
public record TestResult(double statistic, double pValue) {
  /** A distance without a p-value. */
  public static TestResult distance(double value) {
    return new TestResult(value, Double.NaN);
  }

  /** Whether the test gives a p-value. */
  public boolean hasPValue() {
    return !Double.isNaN(pValue);
  }
}
