package dev.mlops.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlops.monitoring.internal.Search;
import dev.mlops.monitoring.profile.ColumnProfile;
import dev.mlops.monitoring.profile.Profile;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;

/**
 * What "the same answer as one JVM" means, field by field: counts exactly; min and max exactly
 * (order-free); mean and variance to 1e-12 relative (merging moments in another order rounds
 * differently); quantiles within the KLL sketch's normalized rank error of the exact ranks; distinct
 * counts within three standard errors of the HyperLogLog sketch (lg k = 12: 1.6 %) of the exact
 * count; frequent items within the sketch's stated maximum error of the exact counts, with no item
 * of a larger count missing.
 */
final class SameAnswer {
  static final double REL = 1e-12;
  // HLL lg k = 12: relative standard error 1.04 / sqrt(4096); three of them
  private static final double HLL_BOUND = 3 * 1.04 / 64;
  private static final double[] QS = {0, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 1};

  private SameAnswer() {}

  static void assertSame(Frames data, Profile jvm, Profile spark) {
    assertSame(data, jvm, spark, true);
  }

  /**
   * As {@link #assertSame(Frames, Profile, Profile)}; {@code exactMoments} false leaves out the check
   * of the moments against the exact ones, for a profile that merged in rows profiled one at a time
   * (Welford's recurrence rounds otherwise than the batch path).
   */
  static void assertSame(Frames data, Profile jvm, Profile spark, boolean exactMoments) {
    assertEquals(jvm.rows(), spark.rows(), "rows");
    assertEquals(jvm.columns().stream().map(ColumnProfile::name).toList(), spark.columns().stream().map(ColumnProfile::name).toList(),
        "columns in order");
    for (ColumnProfile j : jvm.columns()) {
      ColumnProfile s = spark.column(j.name());
      String c = "column " + j.name() + ": ";
      assertEquals(j.count(), s.count(), c + "count");
      assertEquals(j.nullCount(), s.nullCount(), c + "nulls");
      assertEquals(j.nanCount(), s.nanCount(), c + "NaN");
      assertEquals(j.infiniteCount(), s.infiniteCount(), c + "infinities");
      assertEquals(j.numericCount(), s.numericCount(), c + "finite numbers");
      assertEquals(j.typeCounts(), s.typeCounts(), c + "type counts");
      assertEquals(j.isNumerical(), s.isNumerical(), c + "numerical");
      assertEquals(j.min(), s.min(), 0, c + "min");
      assertEquals(j.max(), s.max(), 0, c + "max");
      double[] exact = data.finiteNumbers(j.name());
      moments(c, exact, j, s, exactMoments);
      Arrays.sort(exact);
      quantiles(c, exact, s);
      quantiles(c, exact, j);
      Map<String, Long> text = data.textCounts(j.name());
      long distinct = exact.length == 0 ? 0 : Arrays.stream(exact).map(v -> v == 0 ? 0 : v).distinct().count();
      distinct += new HashSet<>(text.keySet()).size();
      double bound = HLL_BOUND * distinct + 1;
      assertTrue(Math.abs(s.distinctEstimate() - distinct) <= bound, c + "distinct " + s.distinctEstimate() + " vs exact " + distinct);
      frequent(c, text, s);
    }
  }

  /**
   * Mean and variance: Spark's and the JVM's within 1e-12 of each other relative to the scale at
   * which floating-point sums round (the root mean square about zero for the mean, the mean square
   * about zero for the variance; a plain relative bound is meaningless for a centred column whose
   * mean is 1e-18); and Spark's within 1e-12 relative of the exact value, computed in BigDecimal.
   */
  private static void moments(String c, double[] values, ColumnProfile j, ColumnProfile s, boolean exactMoments) {
    if (values.length == 0) {
      assertTrue(Double.isNaN(j.mean()) && Double.isNaN(s.mean()) && Double.isNaN(s.variance()), c + "no numbers, no moments");
      return;
    }
    java.math.MathContext mc = java.math.MathContext.DECIMAL128;
    java.math.BigDecimal sum = java.math.BigDecimal.ZERO;
    for (double v : values) {
      sum = sum.add(new java.math.BigDecimal(v));
    }
    java.math.BigDecimal mean = sum.divide(java.math.BigDecimal.valueOf(values.length), mc);
    java.math.BigDecimal squares = java.math.BigDecimal.ZERO;
    for (double v : values) {
      java.math.BigDecimal d = new java.math.BigDecimal(v).subtract(mean);
      squares = squares.add(d.multiply(d));
    }
    double exactMean = mean.doubleValue();
    double exactVariance = squares.divide(java.math.BigDecimal.valueOf(values.length), mc).doubleValue();
    double meanSquare = exactVariance + exactMean * exactMean;
    assertEquals(j.mean(), s.mean(), REL * Math.sqrt(meanSquare), c + "mean against the JVM's");
    assertEquals(j.variance(), s.variance(), REL * meanSquare, c + "variance against the JVM's");
    if (!exactMoments) {
      return;
    }
    assertEquals(exactMean, s.mean(), REL * Math.sqrt(meanSquare), c + "mean against the exact one");
    // plus 1e-28 of the mean square: a constant column's exact variance in 34 digits is rounding dust (1e-55), Spark's 0
    assertEquals(exactVariance, s.variance(), REL * exactVariance + 1e-28 * meanSquare, c + "variance against the exact one");
  }

  /** The rank of each sketched quantile among the exact values is within the sketch's rank error of the asked rank. */
  static void quantiles(String c, double[] sorted, ColumnProfile p) {
    if (sorted.length == 0) {
      assertTrue(Double.isNaN(p.quantile(0.5)), c + "no numbers, no quantile");
      return;
    }
    double eps = p.rankError();
    for (double q : QS) {
      double v = p.quantile(q);
      double below = (double) Search.lowerBound(sorted, v) / sorted.length;
      double atOrBelow = (double) Search.upperBound(sorted, v) / sorted.length;
      // v is a q-quantile within eps: some rank in [below, atOrBelow] is within eps of q
      assertTrue(q >= below - eps && q <= atOrBelow + eps, c + "quantile " + q + " = " + v + " has exact ranks [" + below + ", " + atOrBelow
          + "], more than " + eps + " away");
    }
  }

  /** Each reported item's count within the sketch's maximum error of the exact count; every item above that error reported. */
  static void frequent(String c, Map<String, Long> exact, ColumnProfile p) {
    long err = p.frequentItemsError();
    Map<String, Long> reported = p.frequentItems();
    for (Map.Entry<String, Long> e : reported.entrySet()) {
      long truth = exact.getOrDefault(e.getKey(), 0L);
      assertTrue(Math.abs(e.getValue() - truth) <= err, c + "item " + e.getKey() + " counted " + e.getValue() + ", exactly " + truth
          + ", error bound " + err);
    }
    for (Map.Entry<String, Long> e : exact.entrySet()) {
      if (e.getValue() > err) {
        assertTrue(reported.containsKey(e.getKey()), c + "item " + e.getKey() + " (" + e.getValue() + " times) missing; error bound " + err);
      }
    }
  }
}
