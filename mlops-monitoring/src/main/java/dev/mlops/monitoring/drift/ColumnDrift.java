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
 * @param statisticError when the statistic was read from quantile sketches (a reference profile, or
 *     two profiles) rather than computed from the rows: how far it may lie from the statistic of the
 *     rows themselves, from the sketches' rank errors at 99% confidence ({@code ks}: the sum of the
 *     rank errors; {@code wasserstein}: that times the values' range, normed). Null when the statistic
 *     was computed from the rows, and for the tests read from sketches without such a bound (the
 *     binned ones on sketched bins or frequent items), whose verdicts are then not marked either way
 * @param unsettled whether the verdict rests on a statistic within {@code statisticError} of the
 *     threshold, so that the rows' own test could decide the other way (for a p-value: the p-value at
 *     one end of the error's range is on the other side of the threshold, the correction's factor
 *     held as it is, or the effect, read from the same sketches, on the other side of the
 *     effect-size floor). Always false where {@code statisticError} is null; a verdict with an error
 *     that is not unsettled is the rows' verdict wherever the sketches' 99% bounds hold
 */
public record ColumnDrift(String name, String type, String test, double statistic, @Nullable Double pValue, @Nullable Double rawPValue, double threshold,
    boolean drift, double effectSize, long referenceCount, long currentCount, List<Bin> bins, @Nullable Double statisticError,
    boolean unsettled) {
  /** Copies the bins; the list is immutable. */
  public ColumnDrift {
    bins = List.copyOf(bins);
  }

  /** A verdict on a statistic computed from the rows (no sketch error). */
  public ColumnDrift(String name, String type, String test, double statistic, @Nullable Double pValue, @Nullable Double rawPValue,
      double threshold, boolean drift, double effectSize, long referenceCount, long currentCount, List<Bin> bins) {
    this(name, type, test, statistic, pValue, rawPValue, threshold, drift, effectSize, referenceCount, currentCount, bins, null, false);
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
    String error = statisticError == null ? "" : String.format(Locale.ROOT, " \u00b1 %.2g from sketches", statisticError);
    String caveat = unsettled ? "; within the sketches' error of the threshold, the rows could decide otherwise" : "";
    if (pValue != null) {
      return String.format(Locale.ROOT, "%s statistic %.3g%s, p = %.3g (drift when p < %s)%s", test, statistic, error, pValue, bound, caveat);
    }
    return String.format(Locale.ROOT, "%s statistic %.3g%s (drift when at least %s)%s", test, statistic, error, bound, caveat);
  }
}
