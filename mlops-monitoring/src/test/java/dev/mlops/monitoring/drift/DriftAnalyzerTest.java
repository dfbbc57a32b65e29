package dev.mlops.monitoring.drift;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlops.api.InvalidArgumentException;
import dev.mlops.monitoring.data.Column;
import dev.mlops.monitoring.data.Table;
import dev.mlops.monitoring.stats.TwoSample;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DriftAnalyzerTest {
  static double[] normal(Random r, int n, double mean, double sd) {
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = mean + sd * r.nextGaussian();
    }
    return x;
  }

  static String[] cats(Random r, int n, String... values) {
    String[] x = new String[n];
    for (int i = 0; i < n; i++) {
      x[i] = values[r.nextInt(values.length)];
    }
    return x;
  }

  static double[] ints(Random r, int n, int bound) {
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = r.nextInt(bound);
    }
    return x;
  }

  ColumnDrift col(DriftReport r, String name) {
    return r.columns().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
  }

  @Test
  void defaultTestsFollowEvidentlysRules() {
    Random r = new Random(1);
    Table small = Table.of(List.of(Column.numerical("num", normal(r, 500, 0, 1)), Column.numerical("few", ints(r, 500, 4)),
        Column.numerical("two", ints(r, 500, 2)), Column.categorical("cat", cats(r, 500, "a", "b", "c")),
        Column.categorical("bin", cats(r, 500, "y", "n"))));
    Table cur = Table.of(List.of(Column.numerical("num", normal(r, 300, 0, 1)), Column.numerical("few", ints(r, 300, 4)),
        Column.numerical("two", ints(r, 300, 2)), Column.categorical("cat", cats(r, 300, "a", "b", "c")),
        Column.categorical("bin", cats(r, 300, "y", "n"))));
    DriftReport rep = DriftAnalyzer.compare(small, cur, DriftOptions.defaults());
    assertEquals("ks", col(rep, "num").test());
    assertEquals("chisquare", col(rep, "few").test());
    assertEquals("z", col(rep, "two").test());
    assertEquals("chisquare", col(rep, "cat").test());
    assertEquals("z", col(rep, "bin").test());
    assertEquals(0.05, col(rep, "num").threshold());

    Table big = Table.of(List.of(Column.numerical("num", normal(r, 1500, 0, 1)), Column.categorical("cat", cats(r, 1500, "a", "b"))));
    Table bigCur = Table.of(List.of(Column.numerical("num", normal(r, 1500, 0, 1)), Column.categorical("cat", cats(r, 1500, "a", "b"))));
    DriftReport b = DriftAnalyzer.compare(big, bigCur, DriftOptions.defaults());
    assertEquals("wasserstein", col(b, "num").test());
    assertNull(col(b, "num").pValue());
    assertEquals(0.1, col(b, "num").threshold());
    assertEquals("jensenshannon", col(b, "cat").test());
    assertFalse(b.datasetDrift());
  }

  @Test
  void datasetDriftsWhenHalfTheColumnsDo() {
    Random r = new Random(2);
    Table ref = Table.of(List.of(Column.numerical("a", normal(r, 400, 0, 1)), Column.numerical("b", normal(r, 400, 0, 1)),
        Column.numerical("c", normal(r, 400, 0, 1)), Column.numerical("d", normal(r, 400, 0, 1))));
    Table cur = Table.of(List.of(Column.numerical("a", normal(r, 400, 2, 1)), Column.numerical("b", normal(r, 400, 0, 3)),
        Column.numerical("c", normal(r, 400, 0, 1)), Column.numerical("d", normal(r, 400, 0, 1))));
    DriftReport rep = DriftAnalyzer.compare(ref, cur, DriftOptions.defaults());
    assertTrue(col(rep, "a").drift());
    assertTrue(col(rep, "b").drift());
    assertEquals(2, rep.driftedColumns());
    assertEquals(0.5, rep.driftShare());
    assertTrue(rep.datasetDrift());
    assertFalse(DriftAnalyzer.compare(ref, cur, DriftOptions.builder().driftShare(0.75).build()).datasetDrift());
    TwoSample.ks(ref.column("a").presentNumbers(), cur.column("a").presentNumbers());
    assertEquals(TwoSample.ks(ref.column("a").presentNumbers(), cur.column("a").presentNumbers()).pValue(), col(rep, "a").pValue());
  }

  @Test
  void correctionsAdjustPValues() {
    double[] p = {0.01, 0.04, 0.03, 0.005};
    assertArrayEquals(new double[] {0.02, 0.04, 0.04, 0.02}, Correction.BH.adjust(p), 1e-12);
    assertArrayEquals(new double[] {0.04, 0.16, 0.12, 0.02}, Correction.BONFERRONI.adjust(p), 1e-12);
    assertArrayEquals(p, Correction.NONE.adjust(p), 0);
    Random r = new Random(3);
    Table ref = Table.of(List.of(Column.numerical("a", normal(r, 300, 0, 1)), Column.numerical("b", normal(r, 300, 0, 1))));
    Table cur = Table.of(List.of(Column.numerical("a", normal(r, 300, 0.25, 1)), Column.numerical("b", normal(r, 300, 0, 1))));
    DriftReport none = DriftAnalyzer.compare(ref, cur, DriftOptions.defaults());
    DriftReport bonf = DriftAnalyzer.compare(ref, cur, DriftOptions.builder().correction(Correction.BONFERRONI).build());
    assertEquals(Math.min(1, 2 * none.columns().get(0).pValue()), bonf.columns().get(0).pValue(), 1e-15);
    assertEquals(none.columns().get(0).pValue(), bonf.columns().get(0).rawPValue());
  }

  @Test
  void effectSizeFloorStopsHugeSamplesFlaggingNegligibleShifts() {
    Random r = new Random(4);
    Table ref = Table.of(List.of(Column.numerical("x", normal(r, 200_000, 0, 1))));
    Table cur = Table.of(List.of(Column.numerical("x", normal(r, 200_000, 0.02, 1))));
    DriftOptions ks = DriftOptions.builder().test(DriftTest.KS).build();
    assertTrue(DriftAnalyzer.compare(ref, cur, ks).columns().get(0).drift(), "a tiny shift is significant at this size");
    DriftReport floored = DriftAnalyzer.compare(ref, cur, DriftOptions.builder().test(DriftTest.KS).effectSizeFloor(0.05).build());
    assertFalse(floored.columns().get(0).drift());
    assertTrue(floored.columns().get(0).effectSize() < 0.05);
  }

  @Test
  void missingValuesAreDroppedBeforeTesting() {
    double[] ref = {1, 2, Double.NaN, 3, 4, 5, 6, 7, Double.NaN};
    double[] cur = {1, 2, 3, Double.NaN, 4, 5, 6, 7, 8};
    DriftReport rep = DriftAnalyzer.compare(Table.of(List.of(Column.numerical("x", ref))), Table.of(List.of(Column.numerical("x", cur))),
        DriftOptions.builder().test(DriftTest.KS).build());
    ColumnDrift c = rep.columns().get(0);
    assertEquals(7, c.referenceCount());
    assertEquals(8, c.currentCount());
    assertEquals(TwoSample.ks(new double[] {1, 2, 3, 4, 5, 6, 7}, new double[] {1, 2, 3, 4, 5, 6, 7, 8}).statistic(), c.statistic());
  }

  @Test
  void badRequestsAreRefusedClearly() {
    Table ref = Table.of(List.of(Column.numerical("x", new double[] {1, 2, 3}), Column.categorical("c", new String[] {"a", "b", "c"})));
    Table cur = Table.of(List.of(Column.numerical("x", new double[] {1, 2, 4})));
    InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
        () -> DriftAnalyzer.compare(ref, ref, DriftOptions.builder().columns(Set.of("nope")).build()));
    assertTrue(e.getMessage().contains("'nope'"), e.getMessage());
    e = assertThrows(InvalidArgumentException.class,
        () -> DriftAnalyzer.compare(ref, ref, DriftOptions.builder().columnTest("c", DriftTest.KS).build()));
    assertTrue(e.getMessage().contains("does not fit a categorical column"), e.getMessage());
    assertThrows(InvalidArgumentException.class, () -> DriftTest.byId("magic"));
    assertThrows(InvalidArgumentException.class, () -> DriftOptions.builder().bins(1));
  }
}
