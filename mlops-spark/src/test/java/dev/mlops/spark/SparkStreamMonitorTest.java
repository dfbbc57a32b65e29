package dev.mlops.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlops.api.StorageBackend;
import dev.mlops.monitoring.Monitor;
import dev.mlops.monitoring.MonitorHistory;
import dev.mlops.monitoring.WindowReport;
import dev.mlops.monitoring.profile.Profile;
import dev.mlops.testkit.Slow;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryException;
import org.apache.spark.sql.streaming.Trigger;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Slow
@DisplayName("A streaming query feeding a monitor reports every micro-batch's window once across restarts from its checkpoint")
class SparkStreamMonitorTest {
  private static final StructType SCHEMA = new StructType(new StructField[] {
      new StructField("amount", DataTypes.DoubleType, true, Metadata.empty()),
      new StructField("channel", DataTypes.StringType, true, Metadata.empty())});
  private final SparkSession spark = LocalSpark.session();

  @TempDir
  Path dir;

  /** Thrown by the test's batch function to stop the driver's query at a chosen point, as a killed driver would stop it. */
  static final class Killed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Killed(String message) {
      super(message, null, false, false);
    }
  }

  @Test
  @DisplayName("killed after a window was stored, and killed before one was: each file's rows are one window, none twice, none lost")
  void restartsFromCheckpoint() throws Exception {
    Path input = Files.createDirectories(dir.resolve("input"));
    String checkpoint = dir.resolve("checkpoint").toString();
    Profile reference = SparkProfiler.newBuilder().build().profile(spark.createDataFrame(rows(new Random(1), 2_000), SCHEMA)).profile();
    List<Integer> sizes = List.of(100, 110, 120, 130, 140);
    for (int f = 0; f < 3; f++) {
      file(input, f, sizes.get(f));
    }
    try (StorageBackend backend = StorageBackend.open("file:" + dir.resolve("store"))) {
      // run 1: batches 0 and 1 reported, then the driver dies before Spark commits batch 1
      Monitor first = monitor(backend, reference);
      StreamingQueryException killed = assertThrows(StreamingQueryException.class, () -> run(input, checkpoint, (batch, id) -> {
        SparkStreamMonitor.of(first, backend).call(batch, id);
        if (id == 1) {
          throw new Killed("driver killed after the window of batch 1 was stored");
        }
      }));
      assertTrue(killed.getMessage().contains("driver killed"), killed.getMessage());
      first.close();
      assertEquals(List.of(100, 110), windowRows(backend));

      // run 2: batch 1 replayed (skipped: its window is stored), batch 2 reported, a new file arrives, and the driver dies before logging batch 3
      file(input, 3, sizes.get(3));
      Monitor second = monitor(backend, reference);
      SparkStreamMonitor feed = SparkStreamMonitor.of(second, backend);
      assertThrows(StreamingQueryException.class, () -> run(input, checkpoint, (batch, id) -> {
        if (id == 3) {
          throw new Killed("driver killed before batch 3 was logged");
        }
        feed.call(batch, id);
      }));
      second.close();
      assertEquals(List.of(100, 110, 120), windowRows(backend));

      // run 3: batch 3 replayed and reported, then one more file
      file(input, 4, sizes.get(4));
      try (Monitor third = monitor(backend, reference)) {
        run(input, checkpoint, SparkStreamMonitor.of(third, backend));
      }
      assertEquals(sizes, windowRows(backend), "one window per file, in order, none twice");
      List<MonitorHistory.Entry<WindowReport>> windows = MonitorHistory.open(backend, "payments").windows(0, 100);
      assertEquals(List.of(0L, 1L, 2L, 3L, 4L), windows.stream().map(MonitorHistory.Entry::window).toList());
      assertTrue(windows.stream().allMatch(w -> w.value().orElseThrow().drift().testedColumns() == 2), "both columns tested in every window");
    }
  }

  @Test
  @DisplayName("a drifted batch raises the window's drift in the stored report")
  void driftedBatch() throws Exception {
    Path input = Files.createDirectories(dir.resolve("input"));
    Profile reference = SparkProfiler.newBuilder().build().profile(spark.createDataFrame(rows(new Random(2), 2_000), SCHEMA)).profile();
    List<Row> moved = new ArrayList<>();
    for (Row r : rows(new Random(3), 500)) {
      moved.add(org.apache.spark.sql.RowFactory.create(r.getDouble(0) + 50, r.getString(1)));
    }
    write(input.resolve("moved.csv"), moved);
    try (StorageBackend backend = StorageBackend.open("file:" + dir.resolve("store"))) {
      try (Monitor monitor = monitor(backend, reference)) {
        run(input, dir.resolve("checkpoint").toString(), SparkStreamMonitor.of(monitor, backend));
      }
      WindowReport report = MonitorHistory.open(backend, "payments").window(0).orElseThrow().value().orElseThrow();
      assertEquals(500, report.rows());
      assertTrue(report.drift().columns().stream().anyMatch(c -> c.name().equals("amount") && c.drift()), "amount moved by 5 sd");
    }
  }

  private static Monitor monitor(StorageBackend backend, Profile reference) {
    return Monitor.builder("payments").reference(reference).storage(backend).windowRows(100_000).build();
  }

  private void run(Path input, String checkpoint, VoidFunction2<Dataset<Row>, Long> sink) throws Exception {
    StreamingQuery query = spark.readStream().schema(SCHEMA).option("header", "true").option("maxFilesPerTrigger", 1)
        .csv(input.toString())
        .writeStream()
        .foreachBatch(sink)
        .option("checkpointLocation", checkpoint)
        .trigger(Trigger.AvailableNow())
        .start();
    query.awaitTermination();
  }

  private static List<Integer> windowRows(StorageBackend backend) {
    return MonitorHistory.open(backend, "payments").windows(0, 100).stream().map(w -> w.value().orElseThrow().rows()).toList();
  }

  /** File {@code index} of {@code n} rows, its modification time in index order (the file source takes the oldest first). */
  private static void file(Path input, int index, int n) throws IOException {
    Path f = input.resolve("part-" + index + ".csv");
    write(f, rows(new Random(100 + index), n));
    Files.setLastModifiedTime(f, FileTime.fromMillis(1_700_000_000_000L + index * 1000L));
  }

  private static void write(Path f, List<Row> rows) throws IOException {
    StringBuilder sb = new StringBuilder("amount,channel\n");
    for (Row r : rows) {
      sb.append(String.format(Locale.ROOT, "%.6f,%s%n", r.getDouble(0), r.getString(1)));
    }
    Files.writeString(f, sb.toString());
  }

  private static List<Row> rows(Random r, int n) {
    String[] channels = {"web", "app", "store"};
    List<Row> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(org.apache.spark.sql.RowFactory.create(100 + r.nextGaussian() * 10, channels[r.nextInt(3)]));
    }
    return out;
  }
}
