package dev.mlops.ui;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlops.api.tracking.Metric;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Server-side reduction of metric histories: spikes survive, small histories come back whole. */
class MetricSeriesTest {
  private static List<Metric> history(int n, int spikeAt) {
    List<Metric> h = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      h.add(new Metric("loss", i == spikeAt ? 100.0 : 1.0 / (1 + i), 1_700_000_000_000L + i * 1000L, i));
    }
    return h;
  }

  @Test
  void aOneStepSpikeInAMillionPointsSurvivesTheReduction() {
    MetricSeries s = MetricSeries.of(history(1_000_000, 654_321), MetricSeries.Axis.STEP, 800, Double.NEGATIVE_INFINITY,
        Double.POSITIVE_INFINITY);
    assertTrue(s.reduced());
    assertEquals(1_000_000, s.points());
    assertTrue(s.x().length <= 800 && s.x().length >= 790, "about one bucket per pixel: " + s.x().length);
    assertEquals(100.0, Arrays.stream(s.max()).max().orElseThrow(), "the spike is the maximum of its bucket");
    assertEquals(1.0 / 1_000_000, s.min()[s.min().length - 1], 1e-15, "the last bucket keeps the smallest value");
    assertEquals(999_999, s.x()[s.x().length - 1], "the last point's step");
    assertEquals(1.0 / 1_000_000, s.last()[s.last().length - 1], 1e-15);
  }

  @Test
  void aZoomedRangeIsReducedAgainAtFullDetailAndSmallHistoriesComeBackWhole() {
    MetricSeries zoom = MetricSeries.of(history(1_000_000, 654_321), MetricSeries.Axis.STEP, 800, 654_000, 654_500);
    assertFalse(zoom.reduced(), "501 points fit in 800 buckets");
    assertEquals(501, zoom.points());
    assertEquals(100.0, zoom.last()[321]);
    MetricSeries small = MetricSeries.of(history(10, -1), MetricSeries.Axis.RELATIVE, 800, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY);
    assertFalse(small.reduced());
    assertArrayEquals(new double[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, small.x(), "relative time in seconds since the first point");
  }
}
