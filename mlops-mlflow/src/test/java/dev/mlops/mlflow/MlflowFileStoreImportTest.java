package dev.mlops.mlflow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.mlops.api.registry.ModelVersion;
import dev.mlops.api.tracking.Metric;
import dev.mlops.api.tracking.Run;
import dev.mlops.api.tracking.ViewType;
import dev.mlops.registry.ModelRegistry;
import dev.mlops.tracking.Tracker;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MLflow 2.16.2's {@code mlruns/} file store (see {@code src/test/resources/mlflow-stores/README.md})
 * imported into a {@code file:} store, which is then reopened and read through the library's
 * {@link Tracker} and {@link ModelRegistry}; the expected values are read from MLflow's files by
 * the test itself.
 */
class MlflowFileStoreImportTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final String EXPERIMENT = "853099972095872099";
  private static final String MODEL_RUN = "8595f7931d3943f4a7ee038c1728c2c3";
  private final Path mlruns = MlflowSqliteImportTest.store("mlruns");

  @Test
  void aReopenedStoreHoldsEveryRunMetricArtifactAndTheModelVersionAndASecondImportChangesNothing(@TempDir Path dir) throws IOException {
    String target = "file:" + dir.resolve("mlops");
    MlflowImporter.Report first = MlflowImporter.builder().from("file:" + mlruns).storage(target).build().run();
    assertEquals(List.of(), first.leftOut(), first.summary());
    int runs = 0;
    try (Tracker tracker = Tracker.builder().storage(target).build();
         ModelRegistry registry = ModelRegistry.builder().storage(target).build()) {
      assertEquals("MLOps_CA_2", tracker.getExperiment(EXPERIMENT).orElseThrow().name());
      assertEquals("Default", tracker.getExperiment("0").orElseThrow().name());
      for (Path runDir : dirs(mlruns.resolve(EXPERIMENT))) {
        JsonNode meta = YAML.readTree(runDir.resolve("meta.yaml").toFile());
        String id = meta.path("run_id").asText();
        Run run = tracker.getRun(id);
        runs++;
        assertEquals(EXPERIMENT, run.info().experimentId());
        Map<String, String> tags = files(runDir.resolve("tags"));
        assertEquals(meta.path("run_name").isMissingNode() ? tags.getOrDefault("mlflow.runName", "") : meta.path("run_name").asText(),
            run.info().runName());
        assertEquals(meta.path("status").asInt() == 3 ? "FINISHED" : "other", run.info().status().name(), "status " + meta.path("status"));
        assertEquals(meta.path("start_time").asLong(), run.info().startTime());
        assertEquals(meta.path("end_time").asLong(), run.info().endTime());
        assertEquals(meta.path("user_id").asText(), run.info().user());
        assertEquals(files(runDir.resolve("params")), new TreeMap<>(run.params()));
        Map<String, String> imported = new TreeMap<>(run.tags());
        assertEquals(mlruns.toUri().toString(), imported.remove(MlflowImporter.RUN_TAG));
        assertEquals(tags, imported);
        for (Map.Entry<String, String> m : files(runDir.resolve("metrics")).entrySet()) {
          assertEquals(points(m.getKey(), m.getValue()), tracker.metricHistory(id, m.getKey()), m.getKey() + " of " + id);
        }
        Path artifacts = runDir.resolve("artifacts");
        try (Stream<Path> files = Files.walk(artifacts)) {
          for (Path f : files.filter(Files::isRegularFile).toList()) {
            try (InputStream in = tracker.artifacts().open(id, artifacts.relativize(f).toString())) {
              assertArrayEquals(Files.readAllBytes(f), in.readAllBytes(), f + " of " + id);
            }
          }
        }
        assertEquals("mlflow-artifacts:/" + EXPERIMENT + "/" + id + "/artifacts", run.info().artifactUri());
      }
      assertEquals(13, runs);
      JsonNode version = YAML.readTree(mlruns.resolve("models/SVMClassifier/version-1/meta.yaml").toFile());
      ModelVersion v = registry.getVersion("SVMClassifier", 1);
      assertEquals(MODEL_RUN, v.lineage().runId());
      assertEquals(version.path("source").asText(), v.tags().get("mlflow.source"));
      assertEquals("1", v.tags().get(MlflowImporter.VERSION_TAG));
      assertEquals(ModelVersion.GENERIC, v.flavor());
      assertArrayEquals(Files.readAllBytes(mlruns.resolve(EXPERIMENT + "/" + MODEL_RUN + "/artifacts/model/model.pkl")),
          registry.bytes("SVMClassifier", 1));
      assertEquals(Map.of(), registry.aliases("SVMClassifier"));
    }
    assertEquals(runs, first.imported("runs"));
    MlflowImporter.Report second = MlflowImporter.builder().from(mlruns.toString()).storage(target).build().run();
    second.imported().forEach((kind, n) -> assertEquals(0L, n, kind + " imported again: " + second.summary()));
    assertEquals(runs, second.alreadyThere().get("runs"));
  }

  @Test
  void aDryRunCountsWhatARealImportImportsAndWritesNothing(@TempDir Path dir) {
    String target = "file:" + dir.resolve("mlops");
    MlflowImporter.Report dry = MlflowImporter.builder().from("file:" + mlruns).storage(target).dryRun(true).build().run();
    assertTrue(dry.dryRun());
    assertFalse(Files.exists(dir.resolve("mlops")), "a dry run created the store");
    MlflowImporter.Report real = MlflowImporter.builder().from("file:" + mlruns).storage(target).build().run();
    assertEquals(real.imported(), dry.imported());
    assertTrue(real.imported("metric points") > 0 && real.imported("artifact files") > 0, real.summary());
  }

  @Test
  void anImportStoppedMidRunLeavesThatRunUnmarkedAndARerunCompletesItWithoutDuplicatePoints(@TempDir Path dir) throws IOException {
    String target = "file:" + dir.resolve("mlops");
    List<String> steps = new ArrayList<>();
    IllegalStateException stop = assertThrows(IllegalStateException.class, () -> MlflowImporter.builder().from("file:" + mlruns).storage(target)
        .progress(step -> {
          steps.add(step);
          if (step.equals("metrics " + MODEL_RUN)) {
            throw new IllegalStateException("stopped");
          }
        }).build().run());
    assertEquals("stopped", stop.getMessage());
    Path runDir = mlruns.resolve(EXPERIMENT + "/" + MODEL_RUN);
    try (Tracker tracker = Tracker.builder().storage(target).build()) {
      Run partial = tracker.getRun(MODEL_RUN);
      assertFalse(partial.tags().containsKey(MlflowImporter.RUN_TAG));
      assertEquals(points("metric_0", Files.readString(runDir.resolve("metrics/metric_0"))), tracker.metricHistory(MODEL_RUN, "metric_0"));
      String done = steps.get(steps.size() - 2).substring("run ".length());
      assertTrue(tracker.getRun(done).tags().containsKey(MlflowImporter.RUN_TAG), steps.toString());
    }
    MlflowImporter.Report rerun = MlflowImporter.builder().from("file:" + mlruns).storage(target).build().run();
    assertTrue(rerun.alreadyThere().get("metric points") > 0, rerun.summary());
    try (Tracker tracker = Tracker.builder().storage(target).build()) {
      for (Map.Entry<String, String> m : files(runDir.resolve("metrics")).entrySet()) {
        assertEquals(points(m.getKey(), m.getValue()), tracker.metricHistory(MODEL_RUN, m.getKey()), m.getKey());
      }
      assertTrue(tracker.getRun(MODEL_RUN).tags().containsKey(MlflowImporter.RUN_TAG));
      assertEquals(13, tracker.store().searchRuns(List.of(EXPERIMENT), dev.mlops.api.search.FilterParser.parse(""), List.of(), ViewType.ALL,
          100, null).items().size());
    }
    try (ModelRegistry registry = ModelRegistry.builder().storage(target).build()) {
      assertEquals(1, registry.versions("SVMClassifier").size());
    }
  }

  /** A metric file as MLflow's FileStore writes it: one "TIMESTAMP VALUE [STEP]" line per point, in logging order. */
  static List<Metric> points(String key, String file) {
    List<Metric> out = new ArrayList<>();
    for (String line : file.split("\n")) {
      if (!line.isBlank()) {
        String[] p = line.strip().split(" ");
        double v = switch (p[1]) {
          case "nan" -> Double.NaN;
          case "inf" -> Double.POSITIVE_INFINITY;
          case "-inf" -> Double.NEGATIVE_INFINITY;
          default -> Double.parseDouble(p[1]);
        };
        out.add(new Metric(key, v, Long.parseLong(p[0]), p.length == 3 ? Long.parseLong(p[2]) : 0));
      }
    }
    return out;
  }

  static Map<String, String> files(Path dir) throws IOException {
    Map<String, String> out = new TreeMap<>();
    if (Files.isDirectory(dir)) {
      try (Stream<Path> s = Files.walk(dir)) {
        for (Path f : s.filter(Files::isRegularFile).toList()) {
          out.put(dir.relativize(f).toString(), Files.readString(f, StandardCharsets.UTF_8));
        }
      }
    }
    return out;
  }

  static List<Path> dirs(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(d -> Files.isRegularFile(d.resolve("meta.yaml"))).sorted().toList();
    }
  }
}
