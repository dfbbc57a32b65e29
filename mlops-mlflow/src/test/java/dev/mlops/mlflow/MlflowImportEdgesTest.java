package dev.mlops.mlflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlops.api.StorageBackend;
import dev.mlops.api.tracking.LifecycleStage;
import dev.mlops.api.tracking.Metric;
import dev.mlops.registry.ModelRegistry;
import dev.mlops.tracking.Tracker;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hostile names and values in an MLflow store, and the importer's command line. */
class MlflowImportEdgesTest {
  private static final String EXPERIMENT = "853099972095872099";
  private final Path mlruns = MlflowSqliteImportTest.store("mlruns");

  @Test
  void unicodeSlashesAndTheInfinitiesArriveWhileANameWithAControlCharacterIsLeftOutNamingTheItem(@TempDir Path dir) throws IOException {
    Path copy = dir.resolve("mlruns");
    copyTree(mlruns, copy);
    Path exp = copy.resolve(EXPERIMENT);
    Files.writeString(exp.resolve("meta.yaml"), Files.readString(exp.resolve("meta.yaml")).replace("name: MLOps_CA_2", "name: MLOps / CA 2 — ünïcode ✓"));
    // a second experiment whose name holds a line break, as a YAML string MLflow could have written
    Path bad = copy.resolve("999");
    Files.createDirectories(bad);
    Files.writeString(bad.resolve("meta.yaml"), "artifact_location: file:///tmp/999\ncreation_time: 1\nexperiment_id: '999'\n"
        + "last_update_time: 1\nlifecycle_stage: active\nname: \"two\\nlines\"\n");
    String refusedRun = "1c00447556424067ae62fe39e167bb34";
    Files.writeString(exp.resolve(refusedRun + "/tags/bell\u0007key"), "x");
    String values = "2716248c013e4337a1607c68d104bfe7";
    Files.writeString(exp.resolve(values + "/metrics/metric_0"), "1731484590000 nan 5\n1731484590001 inf 6\n1731484590002 -inf 7\n",
        StandardOpenOption.APPEND);
    Files.createDirectories(exp.resolve(values + "/params/optimizer"));
    Files.writeString(exp.resolve(values + "/params/optimizer/learning rate"), "0.01");

    try (StorageBackend backend = StorageBackend.open("mem:hostile-import")) {
      MlflowImporter.Report report = MlflowImporter.builder().from(copy.toString()).storage(backend).build().run();
      try (Tracker tracker = Tracker.builder().storage(backend).build()) {
        assertEquals("MLOps / CA 2 — ünïcode ✓", tracker.getExperiment(EXPERIMENT).orElseThrow().name());
        assertTrue(tracker.getExperiment("999").isEmpty());
        assertTrue(tracker.store().getRun(refusedRun).isEmpty());
        List<Metric> history = tracker.metricHistory(values, "metric_0");
        assertEquals(List.of(new Metric("metric_0", Double.NaN, 1731484590000L, 5), new Metric("metric_0", Double.POSITIVE_INFINITY, 1731484590001L, 6),
            new Metric("metric_0", Double.NEGATIVE_INFINITY, 1731484590002L, 7)), history.subList(history.size() - 3, history.size()));
        assertEquals("0.01", tracker.getRun(values).params().get("optimizer/learning rate"));
      }
      assertEquals(12, report.imported("runs"), report.summary());
      assertTrue(report.leftOut().stream().anyMatch(l -> l.startsWith("experiment 'two\nlines' (MLflow id 999): ") && l.contains("experiment name")),
          report.leftOut().toString());
      assertTrue(report.leftOut().stream().anyMatch(l -> l.startsWith("run " + refusedRun) && l.contains("tag key")), report.leftOut().toString());
    }
  }

  @Test
  void aProductionStageBecomesTheProductionAliasAndAnAliasMovesAsItIsUnlessTheTargetProtectsIt(@TempDir Path dir) throws IOException {
    Path copy = dir.resolve("mlruns");
    copyTree(mlruns, copy);
    // as MLflow's registry FileStore writes a transition to Production and set_registered_model_alias("SVMClassifier", "champion", 1)
    Path model = copy.resolve("models/SVMClassifier");
    Files.writeString(model.resolve("version-1/meta.yaml"), Files.readString(model.resolve("version-1/meta.yaml"))
        .replace("current_stage: None", "current_stage: Production"));
    Files.createDirectories(model.resolve("aliases"));
    Files.writeString(model.resolve("aliases/champion"), "1");
    try (StorageBackend backend = StorageBackend.open("mem:stage-import")) {
      MlflowImporter.Report report = MlflowImporter.builder().from(copy.toString()).storage(backend).build().run();
      assertEquals(List.of(), report.leftOut(), report.summary());
      try (ModelRegistry registry = ModelRegistry.builder().storage(backend).build()) {
        assertEquals(java.util.Map.of("champion", 1, "production", 1), registry.aliases("SVMClassifier"));
        assertTrue(registry.audit().stream().anyMatch(a -> a.toString().contains("production")), "the alias move is audited");
      }
    }
    try (StorageBackend backend = StorageBackend.open("mem:stage-import-protected")) {
      MlflowImporter.Report report = MlflowImporter.builder().from(copy.toString()).storage(backend)
          .registry(r -> r.protectAlias("production", 1)).build().run();
      try (ModelRegistry registry = ModelRegistry.builder().storage(backend).build()) {
        assertEquals(java.util.Map.of("champion", 1), registry.aliases("SVMClassifier"));
        assertTrue(report.leftOut().stream().anyMatch(l -> l.startsWith("alias 'production' of registered model 'SVMClassifier'")), report.summary());
      }
    }
  }

  @Test
  void aDeletedExperimentInTheTrashAndADeletedRunArriveDeletedAndStaySoOnASecondImport(@TempDir Path dir) throws IOException {
    Path copy = dir.resolve("mlruns");
    copyTree(mlruns, copy);
    String deletedRun = "2716248c013e4337a1607c68d104bfe7";
    Path runMeta = copy.resolve(EXPERIMENT + "/" + deletedRun + "/meta.yaml");
    Files.writeString(runMeta, Files.readString(runMeta).replace("lifecycle_stage: active", "lifecycle_stage: deleted"));
    // MLflow's FileStore.delete_experiment: the experiment's directory moves to .trash, its meta.yaml says deleted
    Path trash = Files.createDirectories(copy.resolve(".trash"));
    Files.move(copy.resolve(EXPERIMENT), trash.resolve(EXPERIMENT));
    Path meta = trash.resolve(EXPERIMENT + "/meta.yaml");
    Files.writeString(meta, Files.readString(meta).replace("lifecycle_stage: active", "lifecycle_stage: deleted"));
    try (StorageBackend backend = StorageBackend.open("mem:deleted-import")) {
      for (int i = 0; i < 2; i++) {
        MlflowImporter.Report report = MlflowImporter.builder().from(copy.toString()).storage(backend).build().run();
        assertEquals(i == 0 ? 13 : 0, report.imported("runs"), report.summary());
        try (Tracker tracker = Tracker.builder().storage(backend).build()) {
          assertEquals(LifecycleStage.DELETED, tracker.getExperiment(EXPERIMENT).orElseThrow().lifecycleStage());
          assertEquals(LifecycleStage.DELETED, tracker.getRun(deletedRun).info().lifecycleStage());
          assertTrue(tracker.getRun(deletedRun).tags().containsKey(MlflowImporter.RUN_TAG));
          tracker.restoreExperiment(EXPERIMENT);
          // restoring the experiment restores the runs deleted with it; the run MLflow deleted on its own stays deleted
          assertEquals(LifecycleStage.ACTIVE, tracker.getRun("1c00447556424067ae62fe39e167bb34").info().lifecycleStage());
          assertEquals(LifecycleStage.DELETED, tracker.getRun(deletedRun).info().lifecycleStage());
          tracker.deleteExperiment(EXPERIMENT);
        }
      }
    }
  }

  @Test
  void theCommandLineImportsADatabaseNamedAsMlflowNamesItAndRefusesWhatItCannotReadWithTheUsage(@TempDir Path dir) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
    PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
    Path db = MlflowSqliteImportTest.store("mlflow-acf3f17fdcc7.db");
    String store = "file:" + dir.resolve("mlops");

    assertEquals(0, MlflowImportCommand.run(new String[] {"--from", "sqlite:///" + db, "--storage", store, "--dry-run"}, o, e), err.toString());
    assertTrue(out.toString(StandardCharsets.UTF_8).contains("dry run, nothing written"), out.toString(StandardCharsets.UTF_8));
    assertFalse(Files.exists(dir.resolve("mlops")));
    assertEquals(0, MlflowImportCommand.run(new String[] {"--from", "sqlite:" + db, "--storage", store}, o, e), err.toString());
    assertTrue(out.toString(StandardCharsets.UTF_8).matches("(?s).*runs +8 imported, 0 already there.*"), out.toString(StandardCharsets.UTF_8));
    try (Tracker tracker = Tracker.builder().storage(store).build()) {
      assertEquals("Iris-Classification", tracker.getExperiment("1").orElseThrow().name());
    }

    assertEquals(2, MlflowImportCommand.run(new String[] {"--from", "mysql://root@db/mlflow", "--storage", store}, o, e));
    String error = err.toString(StandardCharsets.UTF_8);
    assertTrue(error.contains("mysql://root@db/mlflow") && error.contains("sqlite:") && error.contains("usage: mlops-mlflow import"), error);
    assertEquals(2, MlflowImportCommand.run(new String[] {"--storage", store}, o, e));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("--from is required"));
    assertEquals(2, MlflowImportCommand.run(new String[] {"--from", dir.resolve("nothing-here").toString(), "--storage", store}, o, e));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("is not an MLflow store"));
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : s.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
  }
}
