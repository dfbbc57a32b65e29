package dev.mlops.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlops.api.InvalidArgumentException;
import dev.mlops.monitoring.data.Table;
import dev.mlops.testkit.Slow;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@Slow
@DisplayName("Grouped profiles: one per group in one pass, each the one-JVM profile of that group's rows")
class GroupedProfilesTest {
  private final SparkSession spark = LocalSpark.session();
  private final SparkProfiler profiler = SparkProfiler.newBuilder().build();

  /** The rows of {@code data} whose column {@code c} is {@code value}, with that column dropped. */
  private static Frames group(Frames data, String c, Object value) {
    int i = data.schema().fieldIndex(c);
    List<StructField> fields = new ArrayList<>(Arrays.asList(data.schema().fields()));
    fields.remove(i);
    List<Object[]> rows = new ArrayList<>();
    for (Object[] r : data.rows()) {
      if (Objects.equals(r[i], value)) {
        List<Object> kept = new ArrayList<>(Arrays.asList(r));
        kept.remove(i);
        rows.add(kept.toArray());
      }
    }
    return new Frames(new StructType(fields.toArray(StructField[]::new)), rows);
  }

  @Test
  @DisplayName("scikit-learn's iris by species: three profiles, each Profile.of the species' rows")
  void irisBySpecies() {
    Frames iris = Frames.of(Frames.dataset("iris", Set.of("target")));
    Map<List<Object>, DataFrameProfile> bySpecies = profiler.profileGroups(iris.frame(spark, 3), Grouping.by("target"));
    assertEquals(Set.of(List.of("setosa"), List.of("versicolor"), List.of("virginica")), bySpecies.keySet());
    for (String species : List.of("setosa", "versicolor", "virginica")) {
      Frames rows = group(iris, "target", species);
      Table table = rows.table();
      assertEquals(50, table.rows());
      SameAnswer.assertSame(rows, dev.mlops.monitoring.profile.Profile.of(table), bySpecies.get(List.of(species)).profile());
    }
  }

  @Test
  @DisplayName("generated rows by a column with nulls, over shuffled partitions: the null group too")
  void byColumnWithNulls() {
    Frames data = Frames.generated(41, 8_000);
    Map<List<Object>, DataFrameProfile> byTier = profiler.profileGroups(data.shuffled(spark, 5, 3), Grouping.by("tier"));
    Set<Object> tiers = new HashSet<>();
    data.rows().forEach(r -> tiers.add(r[3] == null ? "<null>" : r[3]));
    assertEquals(tiers.size(), byTier.size());
    assertTrue(tiers.contains("<null>"));
    for (Map.Entry<List<Object>, DataFrameProfile> e : byTier.entrySet()) {
      Frames rows = group(data, "tier", e.getKey().get(0));
      SameAnswer.assertSame(rows, rows.jvmProfile(rows.names()), e.getValue().profile());
    }
  }

  @Test
  @DisplayName("hourly buckets of a timestamp column, rows out of order, a null timestamp: each bucket the profile of its rows")
  void timeBuckets() {
    StructType schema = new StructType(new StructField[] {
        new StructField("at", DataTypes.TimestampType, true, Metadata.empty()),
        new StructField("amount", DataTypes.DoubleType, true, Metadata.empty()),
        new StructField("channel", DataTypes.StringType, true, Metadata.empty())});
    Random r = new Random(5);
    Instant start = Instant.parse("2026-03-29T00:30:00Z");
    List<Object[]> rows = new ArrayList<>();
    for (int i = 0; i < 3_000; i++) {
      Timestamp at = i == 17 ? null : Timestamp.from(start.plusSeconds(r.nextInt(5 * 3600)));
      rows.add(new Object[] {at, r.nextDouble() < 0.05 ? null : 100 + 30 * r.nextGaussian(), new String[] {"web", "app", "store"}[r.nextInt(3)]});
    }
    Frames data = new Frames(schema, rows);
    Map<List<Object>, DataFrameProfile> hourly = profiler.profileGroups(data.shuffled(spark, 3, 1), Grouping.timeBuckets("at", Duration.ofHours(1)));
    // 00:30 to 05:30: six hours touched, and the row without a time
    assertEquals(7, hourly.size());
    long total = 0;
    for (Map.Entry<List<Object>, DataFrameProfile> e : hourly.entrySet()) {
      Instant bucket = (Instant) e.getKey().get(0);
      List<Object[]> in = new ArrayList<>();
      for (Object[] row : rows) {
        Instant at = row[0] == null ? null : ((Timestamp) row[0]).toInstant();
        boolean same = bucket == null ? at == null : at != null && !at.isBefore(bucket) && at.isBefore(bucket.plus(Duration.ofHours(1)));
        if (same) {
          in.add(new Object[] {row[1], row[2]});
        }
      }
      assertTrue(bucket == null || bucket.getEpochSecond() % 3600 == 0, "buckets start on the hour: " + bucket);
      Frames g = new Frames(new StructType(Arrays.copyOfRange(schema.fields(), 1, 3)), in);
      SameAnswer.assertSame(g, g.jvmProfile(g.names()), e.getValue().profile());
      total += e.getValue().profile().rows();
    }
    assertEquals(3_000, total);
  }

  @Test
  @DisplayName("a grouping column the DataFrame lacks, time buckets of a number, and a bad width are refused naming the field")
  void refused() {
    Frames data = Frames.generated(42, 50);
    InvalidArgumentException absent = assertThrows(InvalidArgumentException.class,
        () -> profiler.profileGroups(data.frame(spark, 1), Grouping.by("region")));
    assertTrue(absent.getMessage().contains("region") && absent.getMessage().contains("tier"), absent.getMessage());
    InvalidArgumentException notTime = assertThrows(InvalidArgumentException.class,
        () -> profiler.profileGroups(data.frame(spark, 1), Grouping.timeBuckets("x", Duration.ofHours(1))));
    assertTrue(notTime.getMessage().contains("timestamp"), notTime.getMessage());
    assertThrows(InvalidArgumentException.class, () -> Grouping.timeBuckets("at", Duration.ZERO));
    assertThrows(InvalidArgumentException.class, () -> Grouping.by());
    assertThrows(InvalidArgumentException.class, () -> Grouping.by("tier", "tier"));
  }
}
