package dev.mlops.monitoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlops.api.InvalidArgumentException;
import dev.mlops.monitoring.data.Column;
import dev.mlops.monitoring.data.Table;
import dev.mlops.monitoring.drift.ColumnDrift;
import dev.mlops.monitoring.drift.UntestedColumn;
import dev.mlops.monitoring.profile.Profile;
import dev.mlops.monitoring.quality.Check;
import dev.mlops.monitoring.quality.CheckResult;
import dev.mlops.monitoring.quality.DataQuality;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Which columns a monitor watches: its features, the columns it excludes, and what it says about a column the rows lack. */
class MonitorColumnsTest {
  /** Training rows: two features, a region, an identifier, and the label. */
  private static Profile training() {
    Random r = new Random(1);
    Profile p = new Profile();
    for (int i = 0; i < 3000; i++) {
      p.update(Map.of("amount", 100 + 20 * r.nextGaussian(), "age", 40 + 10 * r.nextGaussian(), "region", r.nextBoolean() ? "eu" : "us",
          "order_id", "o-" + i, "fraud", r.nextInt(20) == 0 ? 1 : 0));
    }
    return p;
  }

  private static Map<String, Object> live(Random r, double shift) {
    Map<String, Object> row = new HashMap<>();
    row.put("amount", 100 + 20 * r.nextGaussian() + shift);
    row.put("age", 40 + 10 * r.nextGaussian());
    row.put("region", r.nextBoolean() ? "eu" : "us");
    row.put("order_id", "live-" + r.nextInt(1_000_000));
    return row;
  }

  @Test
  void theBuilderRefusesColumnsTheReferenceLacksNamingTheFieldAndTheColumns() {
    MonitorBuilder b = Monitor.builder("m").reference(training());
    InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> b.schema("amount", "amout").build());
    assertTrue(e.getMessage().contains("schema") && e.getMessage().contains("'amout'") && e.getMessage().contains("is not a column of the reference"),
        e.getMessage());
    e = assertThrows(InvalidArgumentException.class, () -> Monitor.builder("m").reference(training()).exclude("label").build());
    assertTrue(e.getMessage().contains("exclude") && e.getMessage().contains("'label'") && e.getMessage().contains("fraud"), e.getMessage());
    e = assertThrows(InvalidArgumentException.class, () -> Monitor.builder("m").reference(training()).features("amount", "size").build());
    assertTrue(e.getMessage().contains("features") && e.getMessage().contains("'size'"), e.getMessage());
    e = assertThrows(InvalidArgumentException.class,
        () -> Monitor.builder("m").reference(training()).features("amount").exclude("amount").build());
    assertTrue(e.getMessage().contains("no column to watch"), e.getMessage());
    assertThrows(InvalidArgumentException.class, () -> Monitor.builder("m").features());
  }

  @Test
  void featuresAreTheOnlyColumnsWatchedAndLoggedColumnsOutsideThemAreNotUnexpected() {
    Monitor m = Monitor.builder("features").reference(training()).features("amount", "age").windowRows(500).executor(Runnable::run).build();
    assertEquals(Set.of("amount", "age"), Set.copyOf(m.watchedColumns()));
    Random r = new Random(2);
    for (int i = 0; i < 500; i++) {
      m.log(live(r, 0));
    }
    WindowReport w = m.reports().get(0);
    assertEquals(Set.of("amount", "age"), w.drift().columns().stream().map(ColumnDrift::name).collect(Collectors.toSet()));
    assertEquals(List.of(), w.drift().untested());
    assertTrue(w.quality().passed(), w.quality().failures().toString());
  }

  @Test
  void anExcludedLabelAndIdentifierLeaveTheOthersWatchedAndDeclaredChecksStillSeeThem() {
    Monitor m = Monitor.builder("excluded").reference(training()).exclude("fraud", "order_id").windowRows(500).executor(Runnable::run)
        .quality(DataQuality.with(List.of(Check.completeness("order_id", 0.99))))
        .alert(AlertRule.columnDrift("amount")).build();
    assertEquals(Set.of("amount", "age", "region"), Set.copyOf(m.watchedColumns()));
    Random r = new Random(3);
    for (int i = 0; i < 500; i++) {
      Map<String, Object> row = live(r, 10);
      if (i % 10 == 0) {
        row.remove("order_id");
      }
      m.log(row);
    }
    WindowReport w = m.reports().get(0);
    assertEquals(List.of(), w.drift().untested());
    assertEquals(3, w.drift().testedColumns());
    assertTrue(w.alerts().stream().anyMatch(a -> a.rule().equals("column_drift:amount")), w.toString());
    List<CheckResult> failed = w.quality().failures();
    assertEquals(1, failed.size(), failed.toString());
    assertEquals("completeness", failed.get(0).check(), "a declared check on an excluded column still runs");
    assertEquals("order_id", failed.get(0).column());
  }

  @Test
  void aSegmentWithoutValuesInAColumnIsStillReportedWithThatColumnNotTested() {
    Monitor m = Monitor.builder("segments").reference(training()).exclude("fraud", "order_id").segmentBy("region", 50).windowRows(400)
        .executor(Runnable::run).build();
    Random r = new Random(4);
    for (int i = 0; i < 400; i++) {
      Map<String, Object> row = live(r, 0);
      if ("us".equals(row.get("region"))) {
        row.put("age", null);
      }
      m.log(row);
    }
    WindowReport w = m.reports().get(0);
    assertEquals(Set.of("eu", "us"), w.segments().keySet(), "no segment is silently left out");
    assertEquals(List.of(new UntestedColumn("age", "no values in the current data (all " + w.segments().get("us").currentRows()
        + " rows missing)")), w.segments().get("us").untested());
    assertEquals(List.of(), w.segments().get("eu").untested());
  }

  @Test
  void aReplacementReferenceNeedsOnlyTheWatchedColumns() {
    Monitor m = Monitor.builder("replace").reference(training()).features("amount", "age").windowRows(100).executor(Runnable::run).build();
    Random r = new Random(5);
    Profile features = new Profile();
    for (int i = 0; i < 1000; i++) {
      features.update(Map.of("amount", 130 + 20 * r.nextGaussian(), "age", 40 + 10 * r.nextGaussian()));
    }
    m.replaceReference(features);
    assertEquals(Set.of("amount", "age"), Set.copyOf(m.watchedColumns()));
    Profile lacking = Profile.of(Table.of(List.of(Column.numerical("amount", new double[] {1, 2}))));
    InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> m.replaceReference(lacking));
    assertTrue(e.getMessage().contains("it lacks [age]"), e.getMessage());
  }
}
