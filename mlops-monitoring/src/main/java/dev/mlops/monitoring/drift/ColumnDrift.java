package dev.mlops.monitoring.drift;

import org.jspecify.annotations.Nullable;
import java.util.List;
import java.util.Locale;

/**
 * The drift verdict of one column.
 *
 * @param name column name
 * @param type {@code numerical} or {@code categorical}
 * @param test the test used
 * @param statistic the statistic or distance
 * @param pValue the p-value after correction, or null for distances
 * @param rawPValue the p-value before correction, or null
 * @param threshold the threshold applied
 * @param drift the verdict
 * @param effectSize the shift measure compared with the effect-size floor (normed Wasserstein or Jensen–Shannon)
 * @param referenceCount values in the reference after dropping missing ones
 * @param currentCount values in the current data after dropping missing ones
 * @param bins the bins of binned tests (and of every column's histogram in reports)
 */
public record ColumnDrift(String name, String type, String test, double statistic, @Nullable Double pValue, @Nullable Double rawPValue, double threshold,
    boolean drift, double effectSize, long referenceCount, long currentCount, List<Bin> bins) {
  /** Copies the bins; the list is immutable. */
  public ColumnDrift {
    bins = List.copyOf(bins);
  }

  /**
   * One bin with the reference and current shares.
   *
   * @param label the bin's range or category
   * @param reference share of reference values
   * @param current share of current values
   */
  public record Bin(String label, double reference, double current) {}

  /**
   * The test's figures in words, each under its own name: {@code ks statistic 0.412, p = 1.53e-103
   * (drift when p < 0.05)} for a test with a p-value, {@code psi statistic 0.310 (drift when at least
   * 0.1)} for a distance. Alert texts use it, so that a p-value is never read as the statistic.
   */
  public String figures() {
    // a threshold as it was set: 0.05, not 0.0500
    String bound = Double.isFinite(threshold) ? java.math.BigDecimal.valueOf(threshold).stripTrailingZeros().toPlainString()
        : String.valueOf(threshold);
    if (pValue != null) {
      return String.format(Locale.ROOT, "%s statistic %.3g, p = %.3g (drift when p < %s)", test, statistic, pValue, bound);
    }
    return String.format(Locale.ROOT, "%s statistic %.3g (drift when at least %s)", test, statistic, bound);
  }
}
