package dev.mlops.monitoring.drift;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mlops.monitoring.profile.ColumnProfile;
import dev.mlops.monitoring.profile.Profile;
import dev.mlops.monitoring.stats.Binned;
import java.util.Arrays;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * The bucketed computations against the sketch agree with the merged-grid ones of
 * {@link SketchStatistics} over a fully sorted current sample (the reference implementation): the
 * same KS statistic, the same bin counts and the same Wasserstein integral up to rounding, with ties,
 * repeated sketch items, current values outside the reference's range, and tiny samples.
 */
class SketchBucketsTest {
  @Property(tries = 300)
  void bucketsAgreeWithTheSortedSample(@ForAll @IntRange(min = 1, max = 20_000) int refRows, @ForAll @IntRange(min = 1, max = 5_000) int curRows,
      @ForAll @IntRange(min = 0, max = 3) int ties, @ForAll @IntRange(min = 0, max = 2) int shape, @ForAll long seed) {
    Random r = new Random(seed);
    double shift = r.nextGaussian();
    double[] reference = new double[refRows];
    for (int i = 0; i < refRows; i++) {
      reference[i] = value(r, shape, ties, 0);
    }
    double[] current = new double[curRows];
    for (int i = 0; i < curRows; i++) {
      current[i] = value(r, shape, ties, shift);
    }
    Profile p = new Profile();
    p.update("x", reference);
    ColumnProfile ref = p.column("x");
    double[][] steps = ref.cdfSteps();
    SketchBuckets buckets = new SketchBuckets(steps[0], steps[1], current);
    double[] sorted = current.clone();
    Arrays.sort(sorted);

    assertEquals(SketchStatistics.ks(ref, sorted).statistic(), buckets.ks(), "KS statistic");
    double exact = SketchStatistics.wasserstein(ref, sorted);
    assertEquals(exact, buckets.wasserstein(), 1e-9 * Math.max(1, Math.abs(exact)), "Wasserstein integral");
    Binned.Shares expected = SketchStatistics.shares(ref, sorted, 10);
    Binned.Shares actual = SketchStatistics.shares(ref, current.length, edge -> buckets.isItem(edge) ? buckets.countBelowItem(edge)
        : Arrays.stream(current).filter(v -> v < edge).count(), 10);
    assertArrayEquals(expected.current(), actual.current(), "current bin shares");
  }

  private static double value(Random r, int shape, int ties, double shift) {
    double v = switch (shape) {
      case 0 -> r.nextGaussian() + shift;
      case 1 -> Math.exp(r.nextGaussian() * 2 + shift);
      default -> r.nextInt(7) + shift;
    };
    // ties: values rounded to a coarse grid, so both samples repeat values (and the sketch repeats items)
    return ties == 0 ? v : Math.rint(v * ties * 2) / (ties * 2);
  }
}
