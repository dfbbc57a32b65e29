package dev.mlops.monitoring.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlops.monitoring.data.Column;
import dev.mlops.monitoring.data.Table;
import dev.mlops.monitoring.profile.Profile;
import dev.mlops.testkit.Slow;
import java.util.List;
import java.util.Random;
import org.apache.commons.math3.distribution.HypergeometricDistribution;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The chance limits the default checks use, against their definitions. */
class ChanceLimitsTest {
  /** P(more than {@code limit} of n new values fall outside the range of m), by drawing the m reference ranks at random. */
  private static double simulatedOutside(int m, int n, int limit, int draws, Random r) {
    int over = 0;
    for (int d = 0; d < draws; d++) {
      // the reference's ranks among m + n exchangeable values: a random m-subset; outside = below its min + above its max
      int lo = Integer.MAX_VALUE;
      int hi = -1;
      int total = m + n;
      int need = m;
      for (int pos = 0; pos < total && need > 0; pos++) {
        if (r.nextInt(total - pos) < need) {
          need--;
          lo = Math.min(lo, pos);
          hi = pos;
        }
      }
      int outside = lo + (total - 1 - hi);
      if (outside > limit) {
        over++;
      }
    }
    return (double) over / draws;
  }

  @Slow // 400,000 simulated draws per case: the error rate of a limit is only measured by many draws
  @ParameterizedTest(name = "{0} reference values, {1} new ones")
  @CsvSource({"20, 10", "300, 100", "100, 50"})
  void theOutOfRangeLimitIsTheExactQuantileOfTheRankDistribution(int m, int n) {
    Random r = new Random(7);
    int draws = 200_000;
    int limit = ChanceLimits.outOfRange(m, n, 0.05);
    double above = simulatedOutside(m, n, limit, draws, r);
    double atOrAbove = simulatedOutside(m, n, limit - 1, draws, r);
    double sd = Math.sqrt(0.05 * 0.95 / draws);
    assertTrue(above <= 0.05 + 4 * sd, m + "/" + n + ": more than " + limit + " outside in " + above + " of the draws");
    assertTrue(atOrAbove > 0.05 - 4 * sd, m + "/" + n + ": the limit " + limit + " is the smallest: " + atOrAbove);
  }

  @Test
  void aHugeReferenceLeavesNoRoomAndASingleValueNoRange() {
    assertEquals(0, ChanceLimits.outOfRange(1_000_000, 10, 0.001), "a huge reference leaves no room");
    assertEquals(7, ChanceLimits.outOfRange(1, 7, 0.001), "one reference value has no range");
  }

  @ParameterizedTest(name = "{0} of {1} missing in the reference, a window of {2}")
  @CsvSource({"3, 200, 50", "0, 300, 100", "40, 400, 60"})
  void theMissingLimitIsFishersOneSidedExactTest(int refMissing, int refTotal, int n) {
    int limit = ChanceLimits.missing(refMissing, refTotal, n, 0.01);
    // P(X >= k) for the hypergeometric of the pooled table with k missing in the window
    HypergeometricDistribution at = new HypergeometricDistribution(null, refTotal + n, refMissing + limit + 1, n);
    HypergeometricDistribution below = new HypergeometricDistribution(null, refTotal + n, refMissing + limit, n);
    assertTrue(at.upperCumulativeProbability(limit + 1) <= 0.01, "one more than the limit is refused");
    assertTrue(below.upperCumulativeProbability(limit) > 0.01, "the limit itself is what chance allows");
    assertEquals(at.upperCumulativeProbability(limit + 1), ChanceLimits.fisherUpper(refMissing, refTotal, n, limit + 1), 1e-9);
  }

  @Test
  @Slow // 400 windows against one reference: the false-alarm rate is only measured by many windows
  void manyRareCategoriesDoNotFailTheNewCategoriesCheckOfAnUnshiftedWindow() {
    // Zipf-like categories: a long tail that a reference of 2,000 rows sees only in part
    Random r = new Random(8);
    String[] ref = new String[2000];
    for (int i = 0; i < ref.length; i++) {
      ref[i] = zipf(r);
    }
    Profile reference = Profile.of(Table.of(List.of(Column.categorical("product", ref))));
    DataQuality quality = DataQuality.with(List.of());
    int passed = 0;
    int withUnseen = 0;
    for (int w = 0; w < 400; w++) {
      String[] cur = new String[200];
      for (int i = 0; i < cur.length; i++) {
        cur[i] = zipf(r);
      }
      QualityReport q = quality.check(reference, Table.of(List.of(Column.categorical("product", cur))));
      passed += q.passed() ? 1 : 0;
      withUnseen += q.results().stream().anyMatch(c -> c.check().equals("new_categories") && !c.observed().equals("none")) ? 1 : 0;
    }
    assertTrue(withUnseen > 300, "most windows hold a category the reference never saw: " + withUnseen);
    assertTrue(passed >= 380, "unshifted windows pass: " + passed + " of 400");
    String[] renamed = new String[200];
    for (int i = 0; i < renamed.length; i++) {
      String z = zipf(r);
      renamed[i] = z.equals("p1") ? "P-1" : z;
    }
    QualityReport q = quality.check(reference, Table.of(List.of(Column.categorical("product", renamed))));
    assertTrue(q.failures().stream().anyMatch(c -> c.check().equals("new_categories") && c.observed().contains("P-1")),
        "the commonest category renamed is found: " + q.failures());
  }

  private static String zipf(Random r) {
    // P(k) proportional to 1/k^1.2 over 5,000 categories, by inversion of a precomputed CDF
    return "p" + -java.util.Arrays.binarySearch(CDF, r.nextDouble());
  }

  private static final double[] CDF = cdf();

  private static double[] cdf() {
    double[] c = new double[5000];
    double sum = 0;
    for (int k = 1; k <= c.length; k++) {
      sum += 1 / Math.pow(k, 1.2);
      c[k - 1] = sum;
    }
    for (int k = 0; k < c.length; k++) {
      c[k] /= sum;
    }
    return c;
  }
}
