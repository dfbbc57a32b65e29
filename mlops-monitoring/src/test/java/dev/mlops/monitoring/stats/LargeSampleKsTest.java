package dev.mlops.monitoring.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlops.api.InvalidArgumentException;
import dev.mlops.monitoring.internal.Search;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Samples large enough to be sorted at the same time on two threads give the statistic of the
 * definition (the largest gap between the two empirical CDFs, read here at every data point by
 * binary search, independently of the merge walk), and report bad input as the serial path does.
 */
class LargeSampleKsTest {
  private static double ecdf(double[] sorted, double v) {
    // the share of values <= v (numpy.searchsorted, side='right')
    return (double) Search.upperBound(sorted, v) / sorted.length;
  }

  @Test
  void theStatisticIsTheLargestGapBetweenTheEmpiricalCdfs() {
    Random r = new Random(9);
    double[] a = new double[250_000];
    double[] b = new double[300_000];
    for (int i = 0; i < a.length; i++) {
      a[i] = Math.round(r.nextGaussian() * 100) / 100.0;   // ties within and across the samples
    }
    for (int i = 0; i < b.length; i++) {
      b[i] = Math.round((r.nextGaussian() + 0.02) * 100) / 100.0;
    }
    double[] x = a.clone();
    double[] y = b.clone();
    Arrays.sort(x);
    Arrays.sort(y);
    double d = 0;
    for (double[] s : new double[][] {x, y}) {
      for (double v : s) {
        d = Math.max(d, Math.abs(ecdf(x, v) - ecdf(y, v)));
      }
    }
    TestResult ks = TwoSample.ks(a, b);
    assertEquals(d, ks.statistic(), 1e-12);
    assertTrue(ks.pValue() >= 0 && ks.pValue() <= 1);
    assertTrue(a[0] != x[0] || a[1] != x[1], "the caller's array was not sorted in place");
  }

  @Test
  void aNanInEitherLargeSampleIsNamed() {
    double[] a = new double[250_000];
    double[] b = new double[250_000];
    Arrays.fill(a, 1.0);
    Arrays.fill(b, 2.0);
    b[17] = Double.NaN;
    InvalidArgumentException current = assertThrows(InvalidArgumentException.class, () -> TwoSample.ks(a, b));
    assertTrue(current.getMessage().contains("current"), current.getMessage());
    a[3] = Double.NaN;
    InvalidArgumentException reference = assertThrows(InvalidArgumentException.class, () -> TwoSample.ks(a, b));
    assertTrue(reference.getMessage().contains("reference"), reference.getMessage());
  }
}
