package dev.mlops.monitoring.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * A batch update (counts and moments of each run of finite values in two passes, merged in) gives
 * what one update per value gives, and its mean and variance agree with exact decimal arithmetic.
 */
class BatchUpdateTest {

  @Property(tries = 200)
  void aBatchCountsAsOneUpdatePerValueAndItsMomentsAreExactToRounding(@ForAll @IntRange(min = 1, max = 3000) int length,
      @ForAll @IntRange(min = -6, max = 12) int magnitude, @ForAll @IntRange(min = 0, max = 12) int offsetMagnitude,
      @ForAll @IntRange(min = 0, max = 20) int specialPercent, @ForAll long seed) {
    Random r = new Random(seed);
    double scale = Math.pow(10, magnitude);
    double offset = offsetMagnitude == 0 ? 0 : Math.pow(10, offsetMagnitude);
    double[] data = new double[length];
    for (int i = 0; i < length; i++) {
      if (r.nextInt(100) < specialPercent) {
        data[i] = new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0, 3.0}[r.nextInt(5)];
      } else {
        data[i] = offset + r.nextGaussian() * scale;
      }
    }
    ColumnProfile batch = new Profile().column("x");
    // in a few calls of random lengths, so runs of finite values start and end anywhere
    int from = 0;
    while (from < length) {
      int to = Math.min(length, from + 1 + r.nextInt(length));
      batch.update(data, from, to);
      from = to;
    }
    ColumnProfile single = new Profile().column("x");
    for (double v : data) {
      single.update(v);
    }
    assertEquals(single.count(), batch.count());
    assertEquals(single.typeCounts(), batch.typeCounts());
    assertEquals(single.nanCount(), batch.nanCount());
    assertEquals(single.numericCount(), batch.numericCount());
    assertEquals(single.min(), batch.min());
    assertEquals(single.max(), batch.max());

    // the exact mean and population variance of the finite values
    MathContext mc = MathContext.DECIMAL128;
    BigDecimal sum = BigDecimal.ZERO;
    long n = 0;
    for (double v : data) {
      if (Double.isFinite(v)) {
        sum = sum.add(new BigDecimal(v));
        n++;
      }
    }
    if (n == 0) {
      assertTrue(Double.isNaN(batch.mean()));
      return;
    }
    BigDecimal mean = sum.divide(BigDecimal.valueOf(n), mc);
    BigDecimal squares = BigDecimal.ZERO;
    for (double v : data) {
      if (Double.isFinite(v)) {
        BigDecimal d = new BigDecimal(v).subtract(mean);
        squares = squares.add(d.multiply(d));
      }
    }
    double exactMean = mean.doubleValue();
    double exactVariance = squares.divide(BigDecimal.valueOf(n), mc).doubleValue();
    // rounding bounds: relative to the spread S and the magnitude M = |mean| + S of the values
    double spread = Math.sqrt(exactVariance);
    double size = Math.abs(exactMean) + spread;
    assertEquals(exactMean, batch.mean(), 1e-13 * size + Double.MIN_NORMAL, "mean");
    assertEquals(exactVariance, batch.variance(), 1e-9 * exactVariance + 1e-12 * size * spread + Double.MIN_NORMAL, "variance");
    assertEquals(exactVariance, single.variance(), 1e-9 * exactVariance + 1e-12 * size * spread + Double.MIN_NORMAL,
        "variance, one by one");
  }
}
