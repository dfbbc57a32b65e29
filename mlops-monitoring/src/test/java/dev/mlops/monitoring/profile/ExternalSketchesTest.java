package dev.mlops.monitoring.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlops.api.InvalidArgumentException;
import dev.mlops.monitoring.data.Column;
import dev.mlops.monitoring.data.Table;
import dev.mlops.monitoring.drift.DriftOptions;
import dev.mlops.monitoring.drift.DriftReport;
import dev.mlops.monitoring.drift.ProfileDrift;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.datasketches.common.ArrayOfStringsSerDe;
import org.apache.datasketches.frequencies.ItemsSketch;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.kll.KllFloatsSketch;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Column profiles from sketches other programs built")
class ExternalSketchesTest {
  private static byte[] kll(int k, double... values) {
    KllDoublesSketch s = KllDoublesSketch.newHeapInstance(k);
    for (double v : values) {
      s.update(v);
    }
    return s.toByteArray();
  }

  private static double[] gaussians(long seed, int n) {
    Random r = new Random(seed);
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = r.nextGaussian();
    }
    return v;
  }

  @Test
  @DisplayName("an exact quantile sketch gives the counts, extremes, types and distinct values of its numbers; the caller's missing count and moments")
  void exactQuantiles() {
    double[] v = {1, 2, 2, 3.5, -0.25, 7};
    ColumnProfile p = ExternalSketches.quantiles("x", kll(200, v), 4, 2.5, 6.0);
    ColumnProfile own = new Profile().column("x");
    for (double d : v) {
      own.update(d);
    }
    assertEquals(6, p.numericCount());
    assertEquals(10, p.count());
    assertEquals(4, p.missingTotal());
    assertEquals(-0.25, p.min());
    assertEquals(7, p.max());
    assertEquals(2.5, p.mean());
    assertEquals(6.0, p.variance());
    assertEquals(Map.of("integral", 4L, "fractional", 2L, "string", 0L, "boolean", 0L, "null", 4L), p.typeCounts());
    assertEquals(own.distinctEstimate(), p.distinctEstimate());
    assertEquals(own.quantile(0.5), p.quantile(0.5));
    assertTrue(p.isNumerical());
  }

  @Test
  @DisplayName("a compacted sketch keeps its own rank error through merges and the stored form; unknown moments stay unknown")
  void compacted() {
    double[] v = gaussians(7, 20_000);
    ColumnProfile p = ExternalSketches.quantiles("x", kll(200, v), 0, Double.NaN, Double.NaN);
    assertEquals(20_000, p.numericCount());
    assertTrue(Double.isNaN(p.mean()) && Double.isNaN(p.variance()));
    double[] sorted = v.clone();
    Arrays.sort(sorted);
    Profile stored = Profile.fromBytes(Profile.of(20_000, List.of(p)).toBytes());
    ColumnProfile back = stored.column("x");
    assertEquals(p.rankError(), back.rankError());
    assertTrue(back.rankError() > new Profile().column("y").rankError(), "k = 200 is coarser than the library's 512");
    for (double q : new double[] {0.01, 0.25, 0.5, 0.75, 0.99}) {
      double rank = (double) dev.mlops.monitoring.internal.Search.upperBound(sorted, back.quantile(q)) / sorted.length;
      assertEquals(q, rank, back.rankError(), "quantile " + q);
    }
    ColumnProfile known = ExternalSketches.quantiles("x", kll(200, 1, 2, 3), 0, 2, 2.0 / 3);
    assertTrue(Double.isNaN(known.merge(p).mean()), "a merge with unknown moments has unknown moments");
    ColumnProfile empty = ExternalSketches.quantiles("x", kll(200), 0, Double.NaN, Double.NaN);
    assertEquals(2.0, empty.merge(known).mean(), 1e-15, "an empty sketch has no moments to lose");
  }

  @Test
  @DisplayName("a frequent-items sketch of strings gives the count, the items and the distinct values; the caller's nulls")
  void frequentItems() {
    ItemsSketch<String> s = new ItemsSketch<>(64);
    s.update("web", 5);
    s.update("app", 3);
    s.update("store");
    ColumnProfile p = ExternalSketches.frequentItems("channel", s.toByteArray(new ArrayOfStringsSerDe()), 2);
    assertEquals(Map.of("web", 5L, "app", 3L, "store", 1L), p.frequentItems());
    assertEquals(11, p.count());
    assertEquals(2, p.missingTotal());
    assertEquals(3, Math.round(p.distinctEstimate()));
    assertTrue(!p.isNumerical());
  }

  @Test
  @DisplayName("drift leaves a numerical reference column without mean and variance untested, saying why")
  void driftWithoutMoments() {
    double[] v = gaussians(3, 2_000);
    Profile reference = Profile.of(2_000, List.of(ExternalSketches.quantiles("x", kll(200, v), 0, Double.NaN, Double.NaN)));
    DriftReport report = ProfileDrift.compare(reference, Table.of(List.of(Column.numerical("x", Arrays.copyOf(v, 500)))), DriftOptions.defaults());
    assertEquals(List.of(), report.columns());
    assertTrue(report.untested().get(0).reason().contains("no mean and variance"), report.untested().toString());
  }

  @Test
  @DisplayName("bad input is refused naming the field, the value and the rule")
  void badInput() {
    KllFloatsSketch floats = KllFloatsSketch.newHeapInstance(200);
    for (int i = 0; i < 1000; i++) {
      floats.update(i);
    }
    refused("sketch of column 'x' = '", "is a KLL floats sketch", () -> ExternalSketches.quantiles("x", floats.toByteArray(), 0, Double.NaN, Double.NaN));
    refused("sketch of column 'x' = '5 bytes'", "must be a serialized KLL doubles sketch",
        () -> ExternalSketches.quantiles("x", new byte[] {1, 2, 3, 4, 5}, 0, Double.NaN, Double.NaN));
    refused("sketch of column 'x' = 'null'", "is required", () -> ExternalSketches.quantiles("x", null, 0, Double.NaN, Double.NaN));
    refused("sketch of column 'x' = 'min 1.0, max Infinity'", "finite numbers only",
        () -> ExternalSketches.quantiles("x", kll(200, 1, Double.POSITIVE_INFINITY), 0, Double.NaN, Double.NaN));
    refused("moments of column 'x' = 'mean 1.0, variance NaN'", "both be NaN", () -> ExternalSketches.quantiles("x", kll(200, 1), 0, 1, Double.NaN));
    refused("moments of column 'x' = 'mean 1.0, variance -1.0'", "variance >= 0", () -> ExternalSketches.quantiles("x", kll(200, 1), 0, 1, -1));
    refused("missing = -1", "must be >= 0", () -> ExternalSketches.quantiles("x", kll(200, 1), -1, Double.NaN, Double.NaN));
    refused("column = ' '", "must name a column", () -> ExternalSketches.frequentItems(" ", new byte[8], 0));
    refused("sketch of column 's' = '3 bytes'", "frequent-items sketch of strings", () -> ExternalSketches.frequentItems("s", new byte[3], 0));
  }

  private static void refused(String start, String rule, org.junit.jupiter.api.function.Executable call) {
    InvalidArgumentException e = assertThrows(InvalidArgumentException.class, call);
    assertTrue(e.getMessage().startsWith(start) && e.getMessage().contains(rule), e.getMessage());
  }
}
