package dev.mlops.spark;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.kll_sketch_agg_double;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.var_pop;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlops.api.StorageBackend;
import dev.mlops.monitoring.Monitor;
import dev.mlops.monitoring.MonitorHistory;
import dev.mlops.monitoring.drift.DriftOptions;
import dev.mlops.monitoring.drift.DriftReport;
import dev.mlops.monitoring.drift.ProfileDrift;
import dev.mlops.monitoring.profile.Profile;
import dev.mlops.monitoring.quality.DataQuality;
import dev.mlops.monitoring.quality.QualityReport;
import dev.mlops.testkit.Slow;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's Spark blocks (fenced {@code java spark}: the README test of the samples module runs
 * each block in a plain child JVM, which Spark cannot start in without its {@code --add-opens}
 * flags, and samples would carry Spark's 200 jars for it): each block is the text of a step of
 * {@link #nightlyProfileLiveWindowsAndAStream}, which runs them in order on a CSV of payments, and
 * {@link #theReadmeShowsTheseStepsVerbatim} fails when the README's text and this file's differ.
 */
@Slow
@DisplayName("The README's Spark section, as written")
class ReadmeSparkTest {
  private final SparkSession spark = LocalSpark.session();

  @TempDir
  Path dir;

  @Test
  @DisplayName("the README's Spark blocks are this test's steps, word for word")
  void theReadmeShowsTheseStepsVerbatim() throws Exception {
    String readme = Files.readString(Path.of("..", "README.md"), StandardCharsets.UTF_8);
    String self = Files.readString(Path.of("src", "test", "java", "dev", "mlops", "spark", "ReadmeSparkTest.java"), StandardCharsets.UTF_8);
    List<String> blocks = new ArrayList<>();
    int at = 0;
    while ((at = readme.indexOf("```java spark\n", at)) >= 0) {
      int start = at + "```java spark\n".length();
      int end = readme.indexOf("```\n", start);
      blocks.add(readme.substring(start, end));
      at = end;
    }
    assertEquals(5, blocks.size(), "the README's Spark blocks");
    String body = self.lines().map(String::strip).reduce("", (a, b) -> a + b + "\n");
    for (String block : blocks) {
      String stripped = block.lines().map(String::strip).reduce("", (a, b) -> a + b + "\n");
      assertTrue(body.contains(stripped), "README block not in ReadmeSparkTest:\n" + block);
    }
  }

  @Test
  @DisplayName("profile a DataFrame nightly, compare a day and the service's live windows with it, watch a stream")
  void nightlyProfileLiveWindowsAndAStream() throws Exception {
    String paymentsCsv = csv(dir.resolve("payments.csv"), new Random(1), 5_000, 0).toString();
    Path referenceFile = dir.resolve("payments-reference.bin");
    Path reportFile = dir.resolve("payments-today.html");
    String storeUri = "file:" + dir.resolve("mlops");
    String incomingDir = Files.createDirectories(dir.resolve("incoming")).toString();
    String checkpointDir = dir.resolve("checkpoint").toString();
    csv(Path.of(incomingDir, "batch-1.csv"), new Random(2), 800, 0);
    csv(Path.of(incomingDir, "batch-2.csv"), new Random(3), 800, 40);
    spark.read().option("header", "true").option("inferSchema", "true").csv(csv(dir.resolve("today.csv"), new Random(4), 2_000, 0).toString())
        .createOrReplaceTempView("payments_today");

    // README: nightly
    Dataset<Row> payments = spark.read().option("header", "true").option("inferSchema", "true").csv(paymentsCsv);
    DataFrameProfile nightly = SparkProfiler.newBuilder().build().profile(payments);
    nightly.skipped().forEach(c -> System.out.println("not profiled: " + c.name() + " (" + c.type() + "): " + c.reason()));
    Files.write(referenceFile, nightly.profile().toBytes());
    // end

    // README: compare
    Profile reference = Profile.fromBytes(Files.readAllBytes(referenceFile));
    SparkComparison today = SparkComparison.of(reference, spark.table("payments_today"));
    DriftReport drift = today.drift(DriftOptions.defaults());
    QualityReport quality = today.quality(DataQuality.with(List.of()));
    System.out.println(drift.verdict() + "; quality " + (quality.passed() ? "passed" : quality.failures()));
    // end

    // README: one pass
    SparkCheck day = SparkCheck.of(reference, spark.table("payments_today"));
    DriftReport dayDrift = day.drift(DriftOptions.defaults());
    QualityReport dayQuality = day.quality(DataQuality.with(List.of()));
    Files.writeString(reportFile, day.html(DriftOptions.defaults(), DataQuality.with(List.of()), "payments today"));
    Map<List<Object>, DataFrameProfile> byChannel = SparkProfiler.newBuilder().build().profileGroups(payments, Grouping.by("channel"));
    // end

    // README: Spark's sketches
    Row sketched = spark.table("payments_today").agg(count(lit(1)).as("rows"),
        kll_sketch_agg_double(col("amount")).as("amount"), avg(col("amount")).as("amount_mean"), var_pop(col("amount")).as("amount_var"),
        expr("approx_top_k_accumulate(channel)").as("channel")).first();
    Profile todayFromSketches = SparkSketches.newBuilder().rows("rows").quantiles("amount", "amount_mean", "amount_var")
        .frequentItems("channel").build().read(sketched);
    DriftReport sketchDrift = ProfileDrift.compare(reference, todayFromSketches, DriftOptions.defaults());
    // end

    // README: stream
    try (StorageBackend backend = StorageBackend.open(storeUri);
        Monitor live = Monitor.builder("payments").reference(reference).storage(backend).windowRows(1_000_000).build()) {
      StreamingQuery query = spark.readStream().schema(payments.schema()).option("header", "true").option("maxFilesPerTrigger", 1)
          .csv(incomingDir)
          .writeStream()
          .foreachBatch(SparkStreamMonitor.of(live, backend))
          .option("checkpointLocation", checkpointDir)
          .trigger(Trigger.AvailableNow())
          .start();
      query.awaitTermination();
    }
    // end

    assertEquals(5_000, reference.rows());
    assertEquals(List.of(), nightly.skipped());
    assertFalse(drift.datasetDrift(), drift.verdict());
    assertTrue(quality.passed(), quality.failures().toString());
    // the one pass gives the collected rows' verdicts and the same quality report
    assertEquals(drift.datasetDrift(), dayDrift.datasetDrift());
    assertEquals(quality, dayQuality);
    assertTrue(Files.readString(reportFile).contains("<title>payments today</title>"));
    // Spark's own sketches of the day: its rows, its two columns, the verdict of the rows (nothing drifted)
    assertEquals(2_000, todayFromSketches.rows());
    assertEquals(2_000, todayFromSketches.column("amount").numericCount());
    assertEquals(3, todayFromSketches.column("channel").frequentItems().size());
    assertEquals(List.of("amount", "channel"), sketchDrift.columns().stream().map(c -> c.name()).toList());
    assertFalse(sketchDrift.datasetDrift(), sketchDrift.verdict());
    assertEquals(java.util.Set.of(List.of("web"), List.of("app"), List.of("store")), byChannel.keySet());
    assertEquals(5_000, byChannel.values().stream().mapToLong(p -> p.profile().rows()).sum());
    try (StorageBackend backend = StorageBackend.open(storeUri)) {
      var windows = MonitorHistory.open(backend, "payments").windows(0, 10);
      assertEquals(List.of(800, 800), windows.stream().map(w -> w.value().orElseThrow().rows()).toList());
      // amount moved by 4 standard deviations in the second batch only
      assertEquals(List.of(false, true), windows.stream().map(w -> w.value().orElseThrow().drift().columns().stream()
          .anyMatch(c -> c.name().equals("amount") && c.drift())).toList());
    }
  }

  /** Payments: an amount (shifted by {@code shift}), a channel, a count of items. */
  private static Path csv(Path file, Random r, int rows, double shift) throws java.io.IOException {
    String[] channels = {"web", "app", "store"};
    StringBuilder sb = new StringBuilder("amount,channel,items\n");
    for (int i = 0; i < rows; i++) {
      sb.append(String.format(Locale.ROOT, "%.2f,%s,%d%n", 50 + shift + r.nextGaussian() * 10, channels[r.nextInt(3)], 1 + r.nextInt(5)));
    }
    Files.writeString(file, sb.toString());
    return file;
  }
}
