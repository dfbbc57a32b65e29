package dev.mlops.monitoring.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlops.api.InvalidArgumentException;
import dev.mlops.monitoring.data.Column;
import dev.mlops.monitoring.data.Table;
import dev.mlops.monitoring.drift.DriftOptions;
import dev.mlops.monitoring.drift.DriftReport;
import dev.mlops.monitoring.drift.DriftTest;
import dev.mlops.monitoring.drift.ProfileDrift;
import dev.mlops.monitoring.stats.TestResult;
import dev.mlops.monitoring.stats.TwoSample;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class ProfileTest {
  static double exactRank(double[] sorted, double v) {
    return (double) dev.mlops.monitoring.internal.Search.upperBound(sorted, v) / sorted.length;
  }

  @Property(tries = 40)
  void mergedPartsEqualTheWholeWithinSketchError(@ForAll @IntRange(min = 1, max = 6) int parts, @ForAll @IntRange(min = 1, max = 30_000) int size,
      @ForAll long seed, @ForAll boolean inOneCall) {
    Random r = new Random(seed);
    double[] data = new double[size];
    for (int i = 0; i < size; i++) {
      data[i] = r.nextInt(10) == 0 ? Math.rint(r.nextGaussian() * 5) : Math.exp(r.nextGaussian());
    }
    Profile whole = new Profile();
    whole.update("x", data);
    Profile merged = new Profile();
    java.util.List<Profile> all = new java.util.ArrayList<>();
    int from = 0;
    for (int p = 0; p < parts; p++) {
      int to = p == parts - 1 ? size : from + size / parts;
      Profile part = new Profile();
      part.update("x", Arrays.copyOfRange(data, from, to));
      part.column("y").update("v" + p);
      merged = merged.merge(part);
      all.add(part);
      from = to;
    }
    // Profile.mergeAll answers as the chain of merges does
    merged = inOneCall ? Profile.mergeAll(all) : merged;
    assertEquals(java.util.List.of("x", "y"), merged.columns().stream().map(ColumnProfile::name).toList());
    ColumnProfile w = whole.column("x");
    ColumnProfile m = merged.column("x");
    assertEquals(w.count(), m.count());
    assertEquals(w.typeCounts(), m.typeCounts());
    assertEquals(w.min(), m.min());
    assertEquals(w.max(), m.max());
    assertEquals(w.mean(), m.mean(), 1e-9 * Math.max(1, Math.abs(w.mean())));
    assertEquals(w.variance(), m.variance(), 1e-9 * Math.max(1, w.variance()));
    double[] sorted = data.clone();
    Arrays.sort(sorted);
    double eps = m.rankError();
    for (double q : new double[] {0.01, 0.1, 0.5, 0.9, 0.99}) {
      double v = m.quantile(q);
      // with ties a value covers a range of ranks: q must fall in [share below v, share at or below v], within sketch error
      double below = exactRank(sorted, Math.nextDown(v));
      double atOrBelow = exactRank(sorted, v);
      double tol = 2 * eps + 1.0 / size;
      assertTrue(below - tol <= q && q <= atOrBelow + tol, "quantile " + q + " = " + v + " covers ranks [" + below + ", " + atOrBelow + "]");
    }
    double distinct = Arrays.stream(data).distinct().count();
    // HLL at lgK 12 has a relative standard error of 1.04 / sqrt(4096), 1.6%: six of those (9.8%) is never
    // reached by chance over this property's tries (5%, about three, was once: 16,917 for 16,105), and a merge
    // that lost one of the at most six parts would still be off by a sixth
    double rse = 1.04 / Math.sqrt(1 << ColumnProfile.HLL_LG_K);
    assertEquals(distinct, m.distinctEstimate(), Math.max(2, 6 * rse * distinct));
    assertEquals(parts, merged.column("y").count());
    assertEquals(parts, merged.column("y").frequentItems().size());
  }

  /** Found by the property above with a seed that drew both zeros into a short column: the extremes followed the rows' order. */
  @Test
  void theExtremesOfBothZerosDoNotDependOnTheOrderOrTheSplitOfTheRows() {
    for (double[] rows : new double[][] {{0.0, -0.0}, {-0.0, 0.0}, {0.0, 1.5, -0.0}, {-0.0, 1.5, 0.0}}) {
      Profile whole = new Profile();
      whole.update("x", rows);
      Profile oneByOne = new Profile();
      for (double v : rows) {
        oneByOne.column("x").update(v);
      }
      Profile first = new Profile();
      first.update("x", Arrays.copyOfRange(rows, 0, 1));
      Profile rest = new Profile();
      rest.update("x", Arrays.copyOfRange(rows, 1, rows.length));
      for (Profile p : new Profile[] {whole, oneByOne, first.merge(rest), rest.merge(first)}) {
        assertEquals(-0.0, p.column("x").min(), Arrays.toString(rows));   // assertEquals on doubles tells -0.0 from 0.0
        assertEquals(rows.length == 2 ? 0.0 : 1.5, p.column("x").max(), Arrays.toString(rows));
      }
    }
  }

  @Test
  void countsMissingNanInfinityAndTypesFromRows() {
    Profile p = new Profile();
    List<Object> values = Arrays.asList(1, 2.5, null, Double.NaN, Double.POSITIVE_INFINITY, "a", "a", true, Double.NEGATIVE_INFINITY);
    for (Object v : values) {
      Map<String, Object> row = new HashMap<>();
      row.put("c", v);
      p.update(row);
    }
    ColumnProfile c = p.column("c");
    assertEquals(9, p.rows());
    assertEquals(9, c.count());
    assertEquals(1, c.nullCount());
    assertEquals(1, c.nanCount());
    assertEquals(2, c.infiniteCount());
    assertEquals(Map.of("integral", 1L, "fractional", 1L, "string", 2L, "boolean", 1L, "null", 1L), c.typeCounts());
    assertEquals(1.0, c.min());
    assertEquals(2.5, c.max());
    assertEquals(1.75, c.mean());
    assertEquals(2L, c.frequentItems().get("a"));
  }

  @Test
  void aProfileComposedOfOtherProfilesColumnsCopiesThemInTheGivenOrder() {
    Profile a = new Profile();
    a.update("x", new double[] {1, 2, 3});
    Profile b = new Profile();
    b.update("label", new double[] {0, 1, 1, 1});
    Profile composed = Profile.of(3, List.of(b.column("label"), a.column("x")));
    assertEquals(List.of("label", "x"), composed.columns().stream().map(ColumnProfile::name).toList());
    assertEquals(3, composed.rows());
    assertEquals(4, composed.column("label").count());
    assertEquals(0.75, composed.column("label").mean());
    assertEquals(2.0, composed.column("x").mean());
    a.update("x", new double[] {100});
    assertEquals(3, composed.column("x").count(), "a copy: later updates of the source do not reach it");
    assertEquals(List.of("x", "label"), Profile.fromBytes(Profile.of(3, List.of(a.column("x"), b.column("label"))).toBytes()).columns()
        .stream().map(ColumnProfile::name).toList());
    InvalidArgumentException twice = assertThrows(InvalidArgumentException.class, () -> Profile.of(3, List.of(a.column("x"), a.column("x"))));
    assertTrue(twice.getMessage().contains("twice"), twice.getMessage());
    assertThrows(InvalidArgumentException.class, () -> Profile.of(-1, List.of()));
  }

  @Test
  void manyThreadsUpdatingOneProfileLoseNothing() throws Exception {
    Profile p = new Profile();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> fs = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        int thread = t;
        fs.add(pool.submit(() -> {
          double[] batch = new double[1000];
          for (int i = 0; i < 50; i++) {
            Arrays.fill(batch, thread);
            p.update("x", batch);
            p.column("s").update((Object) ("t" + thread));
          }
          return null;
        }));
      }
      for (Future<?> f : fs) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(400_000, p.column("x").count());
    assertEquals(3.5, p.column("x").mean(), 1e-9);
    assertEquals(400, p.column("s").count());
    assertEquals(50L, p.column("s").frequentItems().get("t3"));
  }

  @Test
  void binaryFormRoundTripsAndVersionOneFilesStayReadable() throws Exception {
    Profile p = new Profile();
    Random r = new Random(5);
    for (int i = 0; i < 5000; i++) {
      Map<String, Object> row = new HashMap<>();
      row.put("amount", i % 100 == 0 ? null : r.nextGaussian() * 10 + 100);
      row.put("channel", new String[] {"web", "app", "store"}[r.nextInt(3)]);
      p.update(row);
    }
    Profile back = Profile.fromBytes(p.toBytes());
    assertEquals(p.rows(), back.rows());
    assertEquals(p.column("amount").mean(), back.column("amount").mean());
    assertEquals(p.column("amount").quantile(0.5), back.column("amount").quantile(0.5));
    assertEquals(p.column("channel").frequentItems(), back.column("channel").frequentItems());
    // the distinct-count sketch is kept with 8-bit registers and stored with 4-bit ones: same registers, same estimate
    assertEquals(p.column("amount").distinctEstimate(), back.column("amount").distinctEstimate());
    assertEquals(4950, back.column("amount").distinctEstimate(), 0.05 * 4950);
    back.update("amount", new double[] {1e9, 2e9});
    assertEquals(p.column("amount").distinctEstimate() + 2, back.column("amount").distinctEstimate(), 1.0);
    assertTrue(p.toJson().contains("\"distinctEstimate\""));

    // written by format version 1; kept so that later versions prove they still read it
    try (InputStream in = ProfileTest.class.getResourceAsStream("/golden/profile-v1.bin")) {
      Profile v1 = Profile.fromBytes(in.readAllBytes());
      assertEquals(5000, v1.rows());
      assertEquals(50, v1.column("amount").nullCount());
      assertEquals(4950, v1.column("amount").numericCount());
      assertEquals(p.column("amount").mean(), v1.column("amount").mean(), 1e-12);
      assertEquals(3, v1.column("channel").frequentItems().size());
      assertEquals(p.column("amount").distinctEstimate(), v1.column("amount").distinctEstimate());
      assertEquals(p.column("channel").distinctEstimate(), v1.column("channel").distinctEstimate());
    }
    assertThrows(InvalidArgumentException.class, () -> Profile.fromBytes(new byte[] {1, 2, 3, 4, 5, 6}));
  }

  @Test
  void sketchedKsAgainstAProfileStaysWithinTheReferenceRankErrorOfTheExactStatistic() {
    Random r = new Random(6);
    for (int trial = 0; trial < 12; trial++) {
      int n1 = 20_000 + r.nextInt(200_000);
      int n2 = 20_000 + r.nextInt(200_000);
      double shift = r.nextDouble() * 0.3;
      double[] a = new double[n1];
      double[] b = new double[n2];
      for (int i = 0; i < n1; i++) {
        a[i] = trial % 2 == 0 ? r.nextGaussian() : Math.exp(r.nextGaussian());
      }
      for (int i = 0; i < n2; i++) {
        b[i] = (trial % 2 == 0 ? r.nextGaussian() : Math.exp(r.nextGaussian())) + shift;
      }
      Profile pa = new Profile();
      pa.update("x", a);
      TestResult exact = TwoSample.ks(a, b);
      DriftReport sketched = ProfileDrift.compare(pa, Table.of(List.of(Column.numerical("x", b))),
          DriftOptions.builder().test(DriftTest.KS).build());
      double bound = pa.column("x").rankError();
      assertTrue(bound <= 0.01, "stated bound " + bound);
      assertTrue(Math.abs(exact.statistic() - sketched.columns().get(0).statistic()) <= bound, "trial " + trial + ": within the stated bound");
    }
  }
}
