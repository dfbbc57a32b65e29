package dev.mlops.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlops.api.InvalidArgumentException;
import dev.mlops.monitoring.data.Table;
import dev.mlops.monitoring.profile.ColumnProfile;
import dev.mlops.monitoring.profile.Profile;
import dev.mlops.testkit.Slow;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Slow
@DisplayName("A DataFrame's profile from Spark is the profile the library builds in one JVM")
class SparkProfilerTest {
  private final SparkSession spark = LocalSpark.session();

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"iris", "wine", "diabetes", "breast_cancer"})
  @DisplayName("scikit-learn's tables: Spark over 3 partitions equals Profile.of(table)")
  void realTables(String name) {
    Table table = Frames.dataset(name, name.equals("iris") ? Set.of("target") : Set.of());
    Frames data = Frames.of(table);
    DataFrameProfile spark = SparkProfiler.newBuilder().build().profile(data.frame(this.spark, 3));
    assertEquals(List.of(), spark.skipped());
    SameAnswer.assertSame(data, Profile.of(table), spark.profile());
  }

  @Test
  @DisplayName("generated rows with nulls, NaN, infinities, skew, thousands of categories, integers, booleans, decimals and floats")
  void generated() {
    Frames data = Frames.generated(26, 30_000);
    DataFrameProfile spark = SparkProfiler.newBuilder().build().profile(data.frame(this.spark, 5));
    Profile jvm = data.jvmProfile(data.names());
    SameAnswer.assertSame(data, jvm, spark.profile());
    ColumnProfile x = spark.profile().column("x");
    assertTrue(x.nullCount() > 0 && x.nanCount() > 0 && x.infiniteCount() > 0, "the data has every kind of missing value: " + x.typeCounts());
    assertTrue(spark.profile().column("city").frequentItemsError() > 0, "the city column is beyond the frequent-items sketch's exact range");
  }

  @Test
  @DisplayName("the stored form of a Spark profile reads back and merges with a profile made in one JVM")
  void mergesWithJvmProfiles() {
    Frames data = Frames.generated(7, 4_000);
    Frames first = new Frames(data.schema(), data.rows().subList(0, 1_500));
    Frames second = new Frames(data.schema(), data.rows().subList(1_500, 4_000));
    Profile fromSpark = Profile.fromBytes(SparkProfiler.newBuilder().build().profile(first.frame(spark, 2)).profile().toBytes());
    Profile merged = fromSpark.merge(second.jvmProfile(data.names()));
    SameAnswer.assertSame(data, data.jvmProfile(data.names()), merged, false);
  }

  @Test
  @DisplayName("an empty DataFrame gives a profile of its columns with no rows")
  void empty() {
    Frames data = Frames.generated(1, 0);
    Profile p = SparkProfiler.newBuilder().build().profile(data.frame(spark, 2)).profile();
    assertEquals(0, p.rows());
    assertEquals(data.names(), p.columns().stream().map(ColumnProfile::name).toList());
  }

  @Test
  @DisplayName("dates, timestamps, binary and nested columns are skipped with the reason, the others profiled")
  void unsupportedSkipped() {
    Dataset<Row> df = spark.sql("SELECT 1.5 AS amount, 'a' AS `we!rd name`, DATE'2026-01-01' AS day, TIMESTAMP'2026-01-01 10:00:00' AS at,"
        + " X'CAFE' AS raw, array(1, 2) AS list, map('k', 1) AS tags, named_struct('a', 1) AS nested");
    DataFrameProfile p = SparkProfiler.newBuilder().build().profile(df);
    assertEquals(List.of("amount", "we!rd name"), p.profile().columns().stream().map(ColumnProfile::name).toList());
    assertEquals(List.of("day", "at", "raw", "list", "tags", "nested"), p.skipped().stream().map(SkippedColumn::name).toList());
    assertEquals(List.of("date", "timestamp", "binary", "array<int>", "map<string,int>", "struct<a:int>"),
        p.skipped().stream().map(SkippedColumn::type).toList());
    assertTrue(p.skipped().get(3).reason().contains("nested columns are not profiled"), p.skipped().get(3).reason());
    assertEquals(1.5, p.profile().column("amount").mean());
  }

  @Test
  @DisplayName("refuseUnsupported and an unknown column fail before any job, naming the column, its type and the rule")
  void refusals() {
    Dataset<Row> df = spark.sql("SELECT 1 AS amount, array(1) AS list");
    InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
        () -> SparkProfiler.newBuilder().refuseUnsupported().build().profile(df));
    assertTrue(e.getMessage().contains("column list") && e.getMessage().contains("array<int>") && e.getMessage().contains("nested"), e.getMessage());
    InvalidArgumentException unknown = assertThrows(InvalidArgumentException.class,
        () -> SparkProfiler.newBuilder().columns("amount", "nope").build().profile(df));
    assertTrue(unknown.getMessage().contains("nope") && unknown.getMessage().contains("[amount, list]"), unknown.getMessage());
    assertThrows(InvalidArgumentException.class, () -> SparkProfiler.newBuilder().mergeDepth(0));
    assertThrows(InvalidArgumentException.class, () -> SparkProfiler.newBuilder().columns(" "));
    Dataset<Row> twice = spark.sql("SELECT 1 AS a, 2 AS a");
    InvalidArgumentException dup = assertThrows(InvalidArgumentException.class, () -> SparkProfiler.newBuilder().build().profile(twice));
    assertTrue(dup.getMessage().contains("twice"), dup.getMessage());
  }

  @Test
  @DisplayName("selected columns only, in the DataFrame's order")
  void selected() {
    Frames data = Frames.generated(3, 500);
    Profile p = SparkProfiler.newBuilder().columns("tier", "x").build().profile(data.frame(spark, 2)).profile();
    assertEquals(List.of("x", "tier"), p.columns().stream().map(ColumnProfile::name).toList());
    SameAnswer.assertSame(data, data.jvmProfile(List.of("x", "tier")), p);
  }
}
