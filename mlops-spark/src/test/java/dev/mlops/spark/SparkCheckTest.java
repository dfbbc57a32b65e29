package dev.mlops.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlops.api.InvalidArgumentException;
import dev.mlops.monitoring.data.Table;
import dev.mlops.monitoring.drift.ColumnDrift;
import dev.mlops.monitoring.drift.DriftAnalyzer;
import dev.mlops.monitoring.drift.DriftOptions;
import dev.mlops.monitoring.drift.DriftReport;
import dev.mlops.monitoring.drift.ProfileDrift;
import dev.mlops.monitoring.profile.ColumnProfile;
import dev.mlops.monitoring.profile.Profile;
import dev.mlops.monitoring.quality.Check;
import dev.mlops.monitoring.quality.DataQuality;
import dev.mlops.monitoring.quality.QualityReport;
import dev.mlops.monitoring.report.HtmlReport;
import dev.mlops.testkit.Slow;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Slow
@DisplayName("Quality checked in the profiling pass on the executors is DataQuality's report on the same rows")
class SparkCheckTest {
  private final SparkSession spark = LocalSpark.session();

  private static Frames slice(Frames f, int from, int to) {
    return new Frames(f.schema(), f.rows().subList(from, to));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"iris", "wine", "diabetes", "breast_cancer"})
  @DisplayName("scikit-learn's tables: the first rows as reference, all rows checked: the same report, derived and fixed limits")
  void realTables(String name) {
    Table table = Frames.dataset(name, name.equals("iris") ? Set.of("target") : Set.of());
    Frames all = Frames.of(table);
    // iris' first 100 rows hold two species of three, so the rest brings a new category and longer petals
    Profile reference = Profile.of(slice(all, 0, 100).table());
    SparkCheck check = SparkCheck.of(reference, all.frame(spark, 3));
    for (DataQuality q : List.of(DataQuality.with(List.of()), DataQuality.with(List.of()).tolerances(0.01, 0.02, 0.0),
        DataQuality.with(List.of()).falseAlarmRate(0.05))) {
      assertEquals(q.check(reference, table), check.quality(q));
    }
    SameAnswer.assertSame(all, Profile.of(table), check.profile().profile());
    // drift from the merged profile's sketches: the one-JVM profile's report, and the rows' own verdicts
    DriftOptions options = DriftOptions.defaults();
    DriftReport drift = check.drift(options);
    DriftReport jvm = ProfileDrift.compare(reference, Profile.of(table), options);
    if (table.rows() <= ColumnProfile.KLL_K) {
      // the current sketches hold every value: the very report of the one-JVM profile, and the rows' own verdicts
      assertEquals(jvm, drift);
      assertEquals(verdicts(ProfileDrift.compare(reference, table, options)), verdicts(drift));
    } else {
      // compacted sketches (breast_cancer's 569 rows), merged in another order than one JVM's: KS within the two rank errors
      assertEquals(30, jvm.columns().stream().filter(c -> c.test().equals("ks")).count());
      for (int i = 0; i < jvm.columns().size(); i++) {
        String column = jvm.columns().get(i).name();
        if (!jvm.columns().get(i).test().equals("ks")) {
          continue; // the 0/1 target's z test reads counts from the sketches: each share within 2ε, its statistic not bounded so
        }
        double bound = 2 * check.profile().profile().column(column).rankError();
        assertEquals(jvm.columns().get(i).statistic(), drift.columns().get(i).statistic(), bound, column);
      }
    }
    if (name.equals("iris")) {
      assertTrue(drift.datasetDrift(), "a third species");
      // the library's HTML report, from the Spark path
      DataQuality q = DataQuality.with(List.of());
      String html = check.html(options, q, "iris today");
      assertEquals(HtmlReport.render(ProfileDrift.compare(reference, Profile.of(table), options), q.check(reference, table), List.of(),
          "iris today"), html);
      assertTrue(html.contains("<title>iris today</title>") && html.contains("petal length (cm)") && html.contains("new_categories"));
      List<String> failed = check.quality(DataQuality.with(List.of())).failures().stream().map(f -> f.check() + ":" + f.column()).toList();
      assertTrue(failed.contains("new_categories:target") && failed.contains("out_of_range_share:petal length (cm)"), failed.toString());
      // scikit-learn's iris repeats one row (rows 102 and 143)
      assertEquals(1, check.counts().duplicateRows());
    }
  }

  /** Every column's statistic within its stated error of the rows' (where it has one), every settled verdict the rows' verdict. */
  private static void assertSettledVerdictsAreTheRows(DriftReport sketched, DriftReport rows, int atLeastSettled) {
    int settled = 0;
    for (ColumnDrift c : sketched.columns()) {
      ColumnDrift exact = rows.columns().stream().filter(e -> e.name().equals(c.name())).findFirst().orElseThrow();
      assertEquals(exact.test(), c.test(), c.name());
      if (c.statisticError() != null) {
        assertEquals(exact.statistic(), c.statistic(), c.statisticError(), c.name());
      }
      // a verdict vouched for: read with a known error (KS, Wasserstein) and not unsettled by it; the binned tests on
      // sketched categories or bins carry no error and are not vouched for either way
      if (c.statisticError() != null && !c.unsettled()) {
        assertEquals(exact.drift(), c.drift(), c.name() + ": rows " + exact.figures() + ", sketches " + c.figures());
        settled++;
      }
    }
    assertTrue(settled >= atLeastSettled, sketched.verdict());
  }

  private static Map<String, Boolean> verdicts(DriftReport r) {
    assertTrue(!r.columns().isEmpty());
    return r.columns().stream().collect(Collectors.toMap(ColumnDrift::name, ColumnDrift::drift));
  }

  @Test
  @DisplayName("drift of 40,000 rows over 7 partitions from the merged sketches: KS within the two rank errors, the rows' verdict wherever that error cannot flip it")
  void driftFromSketches() {
    Frames data = Frames.generated(35, 20_000);
    Profile reference = data.jvmProfile(data.names());
    Frames current = Frames.generated(36, 40_000).with(r -> {
      if (r[1] instanceof Double d) {
        r[1] = d * 1.3; // the heavy-tailed column stretched
      }
    });
    SparkCheck check = SparkCheck.of(reference, current.shuffled(spark, 7, 9));
    DriftOptions ks = DriftOptions.builder().test(dev.mlops.monitoring.drift.DriftTest.KS).columns(Set.of("x", "skew", "count", "age",
        "price", "score")).build();
    DriftReport fromSketches = check.drift(ks);
    DriftReport fromRows = ProfileDrift.compare(reference, current.table(), ks);
    assertEquals(verdicts(fromRows).keySet(), verdicts(fromSketches).keySet());
    assertTrue(verdicts(fromSketches).get("skew"), verdicts(fromSketches).toString());
    // KS at 20,000 against 40,000 rows calls drift from a distance of about 0.012, close to the sketches' rank errors: a
    // verdict the sketches cannot settle says so (unsettled), and every settled one is the verdict of the rows themselves
    assertSettledVerdictsAreTheRows(fromSketches, DriftAnalyzer.compare(data.table(), current.table(), ks), 1);
    // the defaults (Wasserstein, categories on frequent items): the same, the stretched heavy-tailed column's Wasserstein
    // distance read from compacted sketches being unsettled (its range makes the error far larger than the threshold)
    DriftReport byDefault = check.drift(DriftOptions.defaults());
    assertTrue(byDefault.columns().stream().filter(c -> c.name().equals("skew")).allMatch(ColumnDrift::unsettled), byDefault.verdict());
    assertSettledVerdictsAreTheRows(byDefault, DriftAnalyzer.compare(data.table(), current.table(), DriftOptions.defaults()), 0);
    InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
        () -> check.drift(DriftOptions.builder().test(dev.mlops.monitoring.drift.DriftTest.T_TEST).build()));
    assertTrue(e.getMessage().contains("raw reference values"), e.getMessage());
  }

  @Test
  @DisplayName("generated rows with nulls, NaN, infinities, -0.0, booleans, decimals, new and unseen categories and repeated rows")
  void generated() {
    Frames data = Frames.generated(31, 12_000);
    Profile reference = data.jvmProfile(data.names());
    List<Object[]> rows = new ArrayList<>(Frames.generated(32, 3_000).with(r -> {
      if ("gold".equals(r[3])) {
        r[3] = "platinum";
      }
      if (r[5] instanceof Integer age && age > 80) {
        r[0] = -0.0;
        r[5] = 120;
      }
    }).rows());
    // a run of repeated rows: more than the 5 % the duplicate check allows
    for (int i = 0; i < 300; i++) {
      rows.add(rows.get(i % 7).clone());
    }
    Frames current = new Frames(data.schema(), rows);
    SparkCheck check = SparkCheck.of(reference, current.shuffled(spark, 4, 5));
    DataQuality q = DataQuality.with(List.of());
    QualityReport jvm = q.check(reference, current.table());
    assertEquals(jvm, check.quality(q));
    List<String> failed = jvm.failures().stream().map(f -> f.check() + ":" + f.column()).toList();
    assertTrue(failed.containsAll(List.of("new_categories:tier", "out_of_range_share:age", "duplicate_rows:")), failed.toString());
    assertEquals(q.tolerances(0.1, 0.1, 0.1).check(reference, current.table()), check.quality(q.tolerances(0.1, 0.1, 0.1)));
    SameAnswer.assertSame(current, current.jvmProfile(current.names()), check.profile().profile());
  }

  @Test
  @DisplayName("a column with one value, an empty DataFrame and declarative checks (which need the rows) are handled as stated")
  void edges() {
    Frames data = Frames.generated(33, 2_000);
    Profile reference = data.jvmProfile(data.names());
    Frames constant = Frames.generated(34, 500).with(r -> r[3] = "gold");
    DataQuality q = DataQuality.with(List.of());
    assertEquals(q.check(reference, constant.table()), SparkCheck.of(reference, constant.frame(spark, 2)).quality(q));
    Frames none = new Frames(data.schema(), List.of());
    assertEquals(q.check(reference, none.table()), SparkCheck.of(reference, none.frame(spark, 1)).quality(q));
    InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
        () -> SparkCheck.of(reference, constant.frame(spark, 1)).quality(DataQuality.with(List.of(Check.unique("tier")))));
    assertTrue(e.getMessage().contains("declarative"), e.getMessage());
    assertThrows(InvalidArgumentException.class, () -> SparkCheck.of(reference, null));
  }
}
