package dev.mlops.monitoring.profile;

import dev.mlops.api.InvalidArgumentException;
import org.apache.datasketches.common.ArrayOfStringsSerDe;
import org.apache.datasketches.frequencies.ErrorType;
import org.apache.datasketches.frequencies.ItemsSketch;
import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.TgtHllType;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.kll.KllFloatsSketch;
import org.apache.datasketches.memory.Memory;
import org.apache.datasketches.quantilescommon.QuantilesDoublesSketchIterator;

/**
 * Column profiles made from Apache DataSketches sketches that another program built, such as Spark's
 * {@code kll_sketch_agg_double} and {@code approx_top_k_accumulate}, so that the library's drift and
 * quality checks read them like the profiles it builds itself. A sketch carries less than a
 * {@link ColumnProfile}: what it does not carry is taken from the caller or stated as unknown, never
 * made up. Stateless.
 */
public final class ExternalSketches {
  private ExternalSketches() {}

  /**
   * The profile of a numerical column from a serialized {@code KllDoublesSketch} of its finite
   * values. Taken from the sketch: the count of numbers, the exact min and max, the quantiles
   * (within the sketch's own rank error, {@link ColumnProfile#rankError()}, which follows its
   * {@code k}: about 1.65% at Spark's default 200). Derived from the values the sketch retains,
   * hence exact while the sketch is exact (not yet compacted: {@code isEstimationMode()} false) and
   * otherwise weighted estimates: the integral and fractional type counts, and the distinct-value
   * count (an undercount once the sketch has compacted). From the caller: the missing values (a KLL
   * sketch skips nulls and NaN and does not count them; they are counted as nulls here, so
   * {@link ColumnProfile#missingTotal()} is right but the null/NaN split is not known) and the mean
   * and population variance, which no quantile sketch holds: pass {@code Double.NaN} for both when
   * they are unknown, and the profile's {@link ColumnProfile#mean()} and
   * {@link ColumnProfile#variance()} are NaN (drift then leaves the column untested when it is a
   * reference, as its tests are normed by the reference's standard deviation).
   *
   * @param column the column's name
   * @param kllDoublesSketch the sketch's serialized bytes ({@code KllDoublesSketch.toByteArray()})
   * @param missing values of the column that are missing (null or NaN), 0 if none or unknown
   * @param mean the mean of the sketched values, or NaN when unknown
   * @param variance their population variance, or NaN when unknown
   * @throws InvalidArgumentException if the bytes are not a KLL doubles sketch (a floats sketch's
   *     bytes are refused by their size; a longs sketch's cannot be told apart), the sketch holds an
   *     infinity (the library counts infinities beside its quantile sketch, not in it), {@code missing}
   *     is negative, or the moments are not both known (finite, the variance at least 0) or both NaN
   */
  public static ColumnProfile quantiles(String column, byte[] kllDoublesSketch, long missing, double mean, double variance) {
    requireName(column);
    KllDoublesSketch kll = kll(column, kllDoublesSketch);
    if (missing < 0) {
      throw InvalidArgumentException.of("missing", missing, "must be >= 0");
    }
    boolean known = Double.isFinite(mean) && Double.isFinite(variance) && variance >= 0;
    if (!known && !(Double.isNaN(mean) && Double.isNaN(variance))) {
      throw InvalidArgumentException.of("moments of column '" + column + "'", "mean " + mean + ", variance " + variance,
          "must both be known (finite, variance >= 0) or both be NaN (unknown)");
    }
    long n = kll.getN();
    double min = n == 0 ? Double.POSITIVE_INFINITY : kll.getMinItem();
    double max = n == 0 ? Double.NEGATIVE_INFINITY : kll.getMaxItem();
    if (Double.isInfinite(min) && n > 0 || Double.isInfinite(max) && n > 0) {
      throw InvalidArgumentException.of("sketch of column '" + column + "'", "min " + min + ", max " + max,
          "must hold finite numbers only: the library counts infinities beside its quantile sketch, so filter them out before sketching");
    }
    long integral = 0;
    HllSketch hll = new HllSketch(ColumnProfile.HLL_LG_K, TgtHllType.HLL_8);
    QuantilesDoublesSketchIterator it = kll.iterator();
    while (it.next()) {
      double v = it.getQuantile();
      if (v == Math.rint(v)) {
        integral += it.getWeight();
      }
      hll.update(v);
    }
    // n = 0: no moments to merge, and zero (not NaN) so that a later merge with known moments stays known
    double m = n == 0 ? 0 : known ? mean : Double.NaN;
    double m2 = n == 0 ? 0 : known ? variance * n : Double.NaN;
    return ColumnProfile.of(column, new long[] {missing, 0, 0, 0, integral, n - integral, 0, 0, n}, new double[] {m, m2, min, max}, kll,
        new ItemsSketch<>(ColumnProfile.FREQ_MAP_SIZE), hll);
  }

  /**
   * The profile of a categorical column from a serialized frequent-items sketch of its strings
   * ({@code ItemsSketch<String>} written with {@code ArrayOfStringsSerDe}, as Spark's
   * {@code approx_top_k_accumulate} writes a string column's). Taken from the sketch: the count of
   * strings, the frequent items with their error ({@link ColumnProfile#frequentItemsError()}). Derived
   * from its items: the distinct-value count, exact while the sketch holds every item (its maximum
   * error is 0) and otherwise an undercount. From the caller: the missing values.
   *
   * @param column the column's name
   * @param stringItemsSketch the sketch's serialized bytes (anything after them is ignored)
   * @param missing values of the column that are null, 0 if none or unknown
   * @throws InvalidArgumentException if the bytes are not a frequent-items sketch of strings, or
   *     {@code missing} is negative
   */
  public static ColumnProfile frequentItems(String column, byte[] stringItemsSketch, long missing) {
    requireName(column);
    if (stringItemsSketch == null) {
      throw InvalidArgumentException.of("sketch of column '" + column + "'", "null", "is required");
    }
    if (missing < 0) {
      throw InvalidArgumentException.of("missing", missing, "must be >= 0");
    }
    ItemsSketch<String> items;
    try {
      items = ItemsSketch.getInstance(Memory.wrap(stringItemsSketch), new ArrayOfStringsSerDe());
    } catch (RuntimeException e) {
      throw InvalidArgumentException.of("sketch of column '" + column + "'", stringItemsSketch.length + " bytes",
          "must be a serialized frequent-items sketch of strings (" + e.getMessage() + ")");
    }
    HllSketch hll = new HllSketch(ColumnProfile.HLL_LG_K, TgtHllType.HLL_8);
    for (ItemsSketch.Row<String> r : items.getFrequentItems(0, ErrorType.NO_FALSE_NEGATIVES)) {
      hll.update(r.getItem());
    }
    long strings = items.getStreamLength();
    return ColumnProfile.of(column, new long[] {missing, 0, 0, 0, 0, 0, strings, 0, 0},
        new double[] {0, 0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}, KllDoublesSketch.newHeapInstance(ColumnProfile.KLL_K), items, hll);
  }

  private static void requireName(String column) {
    if (column == null || column.isBlank()) {
      throw InvalidArgumentException.of("column", column, "must name a column (not null or blank)");
    }
  }

  private static KllDoublesSketch kll(String column, byte[] bytes) {
    String field = "sketch of column '" + column + "'";
    if (bytes == null) {
      throw InvalidArgumentException.of(field, "null", "is required");
    }
    String why;
    try {
      KllDoublesSketch kll = KllDoublesSketch.heapify(Memory.wrap(bytes));
      if (kll.getSerializedSizeBytes() == bytes.length) {
        return kll;
      }
      why = "its items would take " + kll.getSerializedSizeBytes() + " bytes";
    } catch (RuntimeException e) {
      why = e.getMessage();
    }
    // a floats sketch's header is a doubles sketch's: only its size (4-byte items) tells them apart
    throw InvalidArgumentException.of(field, bytes.length + " bytes", isFloats(bytes)
        ? "is a KLL floats sketch (kll_sketch_agg_float's), not a doubles sketch: sketch the column as doubles (kll_sketch_agg_double)"
        : "must be a serialized KLL doubles sketch, as kll_sketch_agg_double makes (" + why + ")");
  }

  private static boolean isFloats(byte[] bytes) {
    try {
      return KllFloatsSketch.heapify(Memory.wrap(bytes)).getSerializedSizeBytes() == bytes.length;
    } catch (RuntimeException e) {
      return false;
    }
  }
}
