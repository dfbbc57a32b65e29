package dev.mlops.monitoring.stats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlops.api.InvalidArgumentException;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The {@code ...OfSorted} forms, which let a drift report sort each side once for its KS test, its
 * effect size and its bins, give exactly what the sorting forms give, and refuse input that is not sorted.
 */
class SortedOnceTest {
  private static double[] sample(Random r, int n, double shift, boolean ties) {
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      double v = r.nextGaussian() + shift;
      x[i] = ties ? Math.round(v * 10) / 10.0 : v;
    }
    return x;
  }

  @Test
  void sortingOnceGivesTheSameKsAndTheSameSharesBitForBit() {
    Random r = new Random(23);
    for (int[] sizes : new int[][] {{1, 1}, {7, 300}, {1_000, 1_000}, {250_000, 210_000}}) {
      for (boolean ties : new boolean[] {false, true}) {
        double[] a = sample(r, sizes[0], 0, ties);
        double[] b = sample(r, sizes[1], 0.05, ties);
        double[][] s = TwoSample.sortedCopies(a, b);
        TestResult once = TwoSample.ksOfSorted(s[0], s[1]);
        TestResult twice = TwoSample.ks(a, b);
        assertEquals(twice.statistic(), once.statistic(), 0.0);
        assertEquals(twice.pValue(), once.pValue(), 0.0);
        assertEquals(TwoSample.normedWasserstein(a, b), TwoSample.normedWassersteinOfSorted(a, s[0], s[1]), 0.0);
        for (int bins : new int[] {2, 10, 37}) {
          Binned.Shares one = Binned.numericalOfSorted(s[0], s[1], bins);
          Binned.Shares other = Binned.numerical(a, b, bins);
          assertArrayEquals(other.labels(), one.labels());
          assertArrayEquals(other.reference(), one.reference(), 0.0);
          assertArrayEquals(other.current(), one.current(), 0.0);
        }
      }
    }
  }

  @Test
  void unsortedOrNanInputIsRefusedNamingTheSide() {
    InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
        () -> TwoSample.ksOfSorted(new double[] {1, 2}, new double[] {3, 2}));
    assertTrue(e.getMessage().contains("current") && e.getMessage().contains("sorted ascending"), e.getMessage());
    e = assertThrows(InvalidArgumentException.class, () -> Binned.numericalOfSorted(new double[] {1, Double.NaN}, new double[] {1}, 10));
    assertTrue(e.getMessage().contains("reference"), e.getMessage());
    e = assertThrows(InvalidArgumentException.class, () -> TwoSample.ksOfSorted(new double[0], new double[] {1}));
    assertTrue(e.getMessage().contains("reference"), e.getMessage());
  }
}
