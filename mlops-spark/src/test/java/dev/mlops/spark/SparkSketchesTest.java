package dev.mlops.spark;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.kll_sketch_agg_double;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.nanvl;
import static org.apache.spark.sql.functions.var_pop;
import static org.apache.spark.sql.functions.when;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlops.api.InvalidArgumentException;
import dev.mlops.monitoring.data.Column;
import dev.mlops.monitoring.data.Table;
import dev.mlops.monitoring.drift.ColumnDrift;
import dev.mlops.monitoring.drift.DriftOptions;
import dev.mlops.monitoring.drift.DriftReport;
import dev.mlops.monitoring.drift.DriftTest;
import dev.mlops.monitoring.drift.ProfileDrift;
import dev.mlops.monitoring.profile.ColumnProfile;
import dev.mlops.monitoring.profile.Profile;
import dev.mlops.testkit.Slow;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Slow
@DisplayName("Sketches made by Spark's own functions read as the library's profiles")
class SparkSketchesTest {
  private final SparkSession spark = LocalSpark.session();

  /** Spark's aggregates of {@code numbers} (sketch, avg and var_pop of the finite values) and {@code strings} (approx_top_k_accumulate), and the row count. */
  private static List<org.apache.spark.sql.Column> aggregates(List<String> numbers, List<String> strings) {
    List<org.apache.spark.sql.Column> out = new ArrayList<>(List.of(count(lit(1)).as("rows")));
    for (String c : numbers) {
      // the library counts NaN and infinities beside its sketch: Spark's sketch skips NaN but keeps infinities, avg and var_pop keep both
      org.apache.spark.sql.Column finite = when(abs(col(c).cast("double")).equalTo(lit(Double.POSITIVE_INFINITY)), lit(null).cast("double"))
          .otherwise(nanvl(col(c).cast("double"), lit(null).cast("double")));
      out.add(kll_sketch_agg_double(finite).as(c));
      out.add(avg(finite).as(c + "_mean"));
      out.add(var_pop(finite).as(c + "_var"));
    }
    for (String c : strings) {
      out.add(expr("approx_top_k_accumulate(`" + c + "`)").as(c));
    }
    return out;
  }

  private static SparkSketches reader(List<String> numbers, List<String> strings) {
    SparkSketches.Builder b = SparkSketches.newBuilder().rows("rows");
    numbers.forEach(c -> b.quantiles(c, c + "_mean", c + "_var"));
    strings.forEach(b::frequentItems);
    return b.build();
  }

  private static Row aggregate(Dataset<Row> data, List<String> numbers, List<String> strings) {
    return data.agg(aggregates(numbers, strings).get(0), aggregates(numbers, strings).stream().skip(1).toArray(org.apache.spark.sql.Column[]::new))
        .first();
  }

  /** Counts, min and max exact, moments as Spark's avg and var_pop give them, quantiles within the Spark sketch's rank error, frequent items within theirs. */
  private static void assertRead(Frames data, Profile jvm, Profile read, List<String> numbers, List<String> strings) {
    assertEquals(jvm.rows(), read.rows());
    for (String c : numbers) {
      ColumnProfile j = jvm.column(c);
      ColumnProfile s = read.column(c);
      assertEquals(j.numericCount(), s.numericCount(), c);
      assertEquals(j.missingTotal(), s.missingTotal(), c + ": nulls, NaN and infinities are the rows the sketch did not count");
      assertEquals(j.count(), s.count(), c);
      assertEquals(j.min(), s.min(), 0, c);
      assertEquals(j.max(), s.max(), 0, c);
      double scale = Math.max(Math.abs(j.mean()), Math.sqrt(j.variance()));
      assertEquals(j.mean(), s.mean(), 1e-12 * scale * 100, c + " mean (Spark's avg)");
      assertEquals(j.variance(), s.variance(), 1e-10 * Math.max(j.variance(), j.mean() * j.mean()), c + " variance (Spark's var_pop)");
      double[] sorted = data.finiteNumbers(c);
      Arrays.sort(sorted);
      SameAnswer.quantiles(c + ": ", sorted, s);
      assertTrue(s.rankError() >= j.rankError(), c + ": Spark's default k (200) is coarser than the library's (512), unless its sketch is exact");
    }
    for (String c : strings) {
      ColumnProfile s = read.column(c);
      assertEquals(jvm.column(c).count(), s.count(), c);
      assertEquals(jvm.column(c).missingTotal(), s.missingTotal(), c);
      SameAnswer.frequent(c + ": ", data.textCounts(c), s);
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"iris", "wine", "diabetes", "breast_cancer"})
  @DisplayName("scikit-learn's tables: Spark's kll_sketch_agg_double and approx_top_k_accumulate read as the one-JVM profile's columns")
  void realTables(String name) {
    Table table = Frames.dataset(name, name.equals("iris") ? Set.of("target") : Set.of());
    Frames data = Frames.of(table);
    List<String> numbers = table.columns().values().stream().filter(c -> c.type() == Column.Type.NUMERICAL).map(Column::name).toList();
    List<String> strings = name.equals("iris") ? List.of("target") : List.of();
    Profile read = reader(numbers, strings).read(aggregate(data.frame(spark, 3), numbers, strings));
    assertRead(data, Profile.of(table), read, numbers, strings);
  }

  @Test
  @DisplayName("generated rows with nulls, NaN, infinities, skew, integers, decimals, floats and 5,000 categories")
  void generated() {
    Frames data = Frames.generated(41, 30_000);
    List<String> numbers = List.of("x", "skew", "count", "age", "price", "score");
    List<String> strings = List.of("city", "tier");
    Profile read = reader(numbers, strings).read(aggregate(data.shuffled(spark, 5, 3), numbers, strings));
    assertRead(data, data.jvmProfile(data.names()), read, numbers, strings);
    // Spark tracks up to 10,000 items by default: its sketch of the 5,000 cities is exact, beyond the library's own
    assertEquals(0, read.column("city").frequentItemsError());
    assertEquals(data.textCounts("city"), read.column("city").frequentItems().entrySet().stream()
        .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
    assertEquals(5, Math.round(read.column("tier").distinctEstimate()), "every tier is in the sketch: the distinct count is exact");
    // one row of compacted sketches per tier (thousands of rows each), merged: the table's profile
    List<String> byTier = List.of("x", "skew", "count");
    List<org.apache.spark.sql.Column> aggs = aggregates(byTier, List.of("city"));
    Dataset<Row> tiers = data.shuffled(spark, 5, 4).groupBy("tier").agg(aggs.get(0), aggs.stream().skip(1).toArray(org.apache.spark.sql.Column[]::new));
    Profile merged = reader(byTier, List.of("city")).read(tiers);
    assertRead(data, data.jvmProfile(data.names()), merged, byTier, List.of("city"));
    assertTrue(merged.column("skew").rankError() > data.jvmProfile(List.of("skew")).column("skew").rankError(), "the merge keeps Spark's k");
  }

  @Test
  @DisplayName("groups: groupBy(...).agg(sketches) gives each group's profile, and all rows merged give the table's")
  void groups() {
    Table table = Frames.dataset("iris", Set.of("target"));
    Frames data = Frames.of(table);
    List<String> numbers = List.of("sepal length (cm)", "petal width (cm)");
    List<org.apache.spark.sql.Column> aggs = aggregates(numbers, List.of());
    Dataset<Row> byTarget = data.frame(spark, 4).groupBy("target").agg(aggs.get(0), aggs.stream().skip(1).toArray(org.apache.spark.sql.Column[]::new));
    SparkSketches reader = reader(numbers, List.of());
    Map<List<Object>, Profile> groups = reader.readGroups(byTarget, "target");
    assertEquals(3, groups.size());
    for (Map.Entry<List<Object>, Profile> g : groups.entrySet()) {
      Frames rows = new Frames(data.schema(), data.rows().stream().filter(r -> r[data.schema().fieldIndex("target")].equals(g.getKey().get(0))).toList());
      assertRead(rows, rows.jvmProfile(rows.names()), g.getValue(), numbers, List.of());
    }
    assertRead(data, Profile.of(table), reader.read(byTarget), numbers, List.of());
    InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> reader.readGroups(byTarget, "sepal length (cm)"));
    assertTrue(e.getMessage().contains("not a key"), e.getMessage());
  }

  /** 20,000 reference rows and 5,000 current ones: a column from the same distribution, one shifted by half a deviation, one stretched by 1.3. */
  private static Frames drifting(long seed, int n, boolean current) {
    Random r = new Random(seed);
    StructType schema = new StructType(new StructField[] {
        new StructField("same", DataTypes.DoubleType, true, Metadata.empty()),
        new StructField("shifted", DataTypes.DoubleType, true, Metadata.empty()),
        new StructField("stretched", DataTypes.DoubleType, true, Metadata.empty())});
    List<Object[]> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      rows.add(new Object[] {r.nextGaussian() * 10 + 50, r.nextGaussian() * 10 + 50 + (current ? 5 : 0), r.nextGaussian() * (current ? 13 : 10)});
    }
    return new Frames(schema, rows);
  }

  @Test
  @DisplayName("drift against a reference Spark sketched gives the verdicts of the library's own reference wherever the rank errors cannot flip them")
  void drift() {
    Frames ref = drifting(51, 20_000, false);
    Table current = drifting(52, 5_000, true).table();
    List<String> numbers = List.of("same", "shifted", "stretched");
    Profile fromSpark = reader(numbers, List.of()).read(aggregate(ref.shuffled(spark, 4, 5), numbers, List.of()));
    Profile own = Profile.of(ref.table());
    DriftOptions ks = DriftOptions.builder().test(DriftTest.KS).build();
    DriftReport rows = dev.mlops.monitoring.drift.DriftAnalyzer.compare(ref.table(), current, ks);
    DriftReport sparkKs = ProfileDrift.compare(fromSpark, current, ks);
    DriftReport ownKs = ProfileDrift.compare(own, current, ks);
    // KS at 20,000 against 5,000 rows calls drift from a distance of about 1.36 * sqrt((n + m) / (n m))
    double critical = 1.36 * Math.sqrt((20_000.0 + 5_000.0) / (20_000.0 * 5_000.0));
    int decided = 0;
    for (String c : numbers) {
      double exact = column(rows, c).statistic();
      double eps = fromSpark.column(c).rankError();
      assertEquals(exact, column(sparkKs, c).statistic(), eps, c + ": KS from Spark's sketch within its rank error of the rows'");
      double bound = eps + own.column(c).rankError();
      if (Math.abs(exact - critical) > bound) {
        assertEquals(column(ownKs, c).drift(), column(sparkKs, c).drift(), c);
        assertEquals(column(rows, c).drift(), column(sparkKs, c).drift(), c);
        decided++;
      }
    }
    assertTrue(decided >= 2, "the shifted and stretched columns are decided: " + rows);
    assertTrue(column(sparkKs, "shifted").drift() && column(sparkKs, "stretched").drift(), sparkKs.toString());
    // the default for a reference this large: Wasserstein normed by the reference's standard deviation (Spark's var_pop)
    DriftReport sparkW = ProfileDrift.compare(fromSpark, current, DriftOptions.defaults());
    DriftReport ownW = ProfileDrift.compare(own, current, DriftOptions.defaults());
    for (String c : numbers) {
      ColumnProfile p = own.column(c);
      double range = (p.max() - p.min()) / Math.sqrt(p.variance());
      double bound = (fromSpark.column(c).rankError() + p.rankError()) * range;
      assertEquals(column(ownW, c).statistic(), column(sparkW, c).statistic(), bound, c);
      if (Math.abs(column(ownW, c).statistic() - column(ownW, c).threshold()) > bound) {
        assertEquals(column(ownW, c).drift(), column(sparkW, c).drift(), c);
      }
    }
    assertTrue(column(sparkW, "shifted").drift(), sparkW.toString());
    // the report's own account of it: each statistic carries Spark's sketch's error, and every verdict it calls
    // settled is the verdict of the rows themselves
    DriftReport rowsW = dev.mlops.monitoring.drift.DriftAnalyzer.compare(ref.table(), current, DriftOptions.defaults());
    for (String c : numbers) {
      assertEquals(fromSpark.column(c).rankErrorNow(), column(sparkKs, c).statisticError(), 1e-15, c);
      for (DriftReport[] pair : new DriftReport[][] {{sparkKs, rows}, {sparkW, rowsW}}) {
        ColumnDrift read = column(pair[0], c);
        if (!read.unsettled()) {
          assertEquals(column(pair[1], c).drift(), read.drift(), c + " settled from Spark's sketch: " + read.figures());
        }
      }
    }
    assertTrue(!column(sparkKs, "shifted").unsettled() && !column(sparkKs, "stretched").unsettled(), sparkKs.verdict());
  }

  @Test
  @DisplayName("a reference sketched without its mean and variance is read, and drift leaves its numbers untested, saying why")
  void withoutMoments() {
    // Spark's sketch skips NaN as it skips null: both are the rows it did not count
    Frames mixed = Frames.generated(43, 3_000);
    Row scores = mixed.frame(spark, 3).agg(count(lit(1)).as("rows"), kll_sketch_agg_double(col("score")).as("score")).first();
    ColumnProfile score = SparkSketches.newBuilder().rows("rows").quantiles("score").build().read(scores).column("score");
    ColumnProfile own = mixed.jvmProfile(List.of("score")).column("score");
    assertTrue(own.nanCount() > 0 && own.nullCount() > 0, "the data has both");
    assertEquals(own.numericCount(), score.numericCount());
    assertEquals(own.missingTotal(), score.missingTotal());

    Frames ref = drifting(53, 2_000, false);
    Row row = ref.frame(spark, 2).agg(count(lit(1)).as("rows"), kll_sketch_agg_double(col("same")).as("same")).first();
    Profile p = SparkSketches.newBuilder().rows("rows").quantiles("same").build().read(row);
    assertEquals(2_000, p.column("same").numericCount());
    assertTrue(Double.isNaN(p.column("same").mean()) && Double.isNaN(p.column("same").variance()), "unknown, not made up");
    DriftReport report = ProfileDrift.compare(p, drifting(54, 500, true).table(), DriftOptions.builder().test(DriftTest.KS).build());
    assertEquals(List.of(), report.columns());
    assertEquals(1, report.untested().size());
    assertTrue(report.untested().get(0).reason().contains("no mean and variance"), report.untested().toString());
  }

  @Test
  @DisplayName("bad input is refused naming the column, the value and the rule")
  void badInput() {
    Frames data = Frames.generated(42, 2_000);
    Dataset<Row> frame = data.frame(spark, 2);
    Row row = frame.agg(count(lit(1)).as("rows"), kll_sketch_agg_double(col("skew")).as("skew"), kll_sketch_agg_double(col("x")).as("x"),
        expr("kll_sketch_agg_float(score)").as("score"), avg(col("skew")).as("skew_mean"), expr("approx_top_k_accumulate(age)").as("age"),
        lit(5L).as("n"), lit(null).cast("binary").as("empty"), expr("first(cast(tier as binary), true)").as("text"),
        expr("first(skew)").as("plain"), expr("approx_top_k_accumulate(collate(upper(tier), 'UTF8_LCASE'))").as("lcase")).first();
    // a column that is not a sketch
    assertRefused(row, SparkSketches.newBuilder().rows("rows").quantiles("plain").build(), "column 'plain' = 'double'", "kll_sketch_agg_double");
    // bytes that are no sketch
    assertRefused(row, SparkSketches.newBuilder().rows("rows").quantiles("text").build(), "sketch of column 'text'", "KLL doubles sketch");
    // a float sketch where doubles are expected
    assertRefused(row, SparkSketches.newBuilder().rows("rows").quantiles("score").build(), "sketch of column 'score'", "is a KLL floats sketch");
    // a null
    assertRefused(row, SparkSketches.newBuilder().rows("rows").quantiles("empty").build(), "column 'empty' = 'null'", "must hold a value in every row");
    // infinities in the sketch
    assertRefused(row, SparkSketches.newBuilder().rows("rows").quantiles("x").build(), "sketch of column 'x'", "finite numbers only");
    // a top-k sketch of numbers
    assertRefused(row, SparkSketches.newBuilder().rows("rows").frequentItems("age").build(), "column 'age' = 'sketch of int items'", "strings");
    // a collated column's sketch holds Spark's collation keys, and its result type does not name the collation: read as those keys
    assertTrue(SparkSketches.newBuilder().rows("rows").frequentItems("lcase").build().read(row).column("lcase").frequentItems().containsKey("gold"));
    // a moment column of another type, a column that does not exist
    assertRefused(row, SparkSketches.newBuilder().rows("rows").quantiles("skew", "skew_mean", "rows").build(), "column 'rows' = 'bigint'",
        "var_pop");
    assertRefused(row, SparkSketches.newBuilder().rows("rows").quantiles("nope").build(), "quantiles = 'nope'", "is not a column");
    InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> SparkSketches.newBuilder().quantiles("skew").build());
    assertTrue(e.getMessage().startsWith("rows = 'null'") && e.getMessage().contains("skips nulls and NaN"), e.getMessage());
    assertRefused(row, SparkSketches.newBuilder().rows("n").quantiles("skew").build(), "sketch of column 'skew'", "more values than the rows");
  }

  private static void assertRefused(Row row, SparkSketches reader, String field, String rule) {
    InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> reader.read(row));
    assertTrue(e.getMessage().startsWith(field) && e.getMessage().contains(rule), e.getMessage());
  }

  private static ColumnDrift column(DriftReport r, String name) {
    return r.columns().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow(() -> new AssertionError(name + " in " + r));
  }
}
