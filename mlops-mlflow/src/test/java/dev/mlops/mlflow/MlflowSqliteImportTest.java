package dev.mlops.mlflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlops.api.StorageBackend;
import dev.mlops.api.tracking.Experiment;
import dev.mlops.api.tracking.LifecycleStage;
import dev.mlops.api.tracking.Metric;
import dev.mlops.api.tracking.Run;
import dev.mlops.registry.ModelRegistry;
import dev.mlops.tracking.Tracker;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SQLite databases written by MLflow's SQLAlchemy store (two schema versions; see
 * {@code src/test/resources/mlflow-stores/README.md}) imported into a store, read back through the
 * library's {@link Tracker} and {@link ModelRegistry}, and compared with what the test itself reads
 * from the database with SQL.
 */
class MlflowSqliteImportTest {

  /** A store under src/test/resources/mlflow-stores (see the README there for where each comes from). */
  static Path store(String name) {
    try {
      return Path.of(MlflowSqliteImportTest.class.getResource("/mlflow-stores/" + name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"mlflow-770bee3ae1dd.db", "mlflow-acf3f17fdcc7.db", "zoomcamp/mlflow.db"})
  void everyExperimentRunParamTagAndMetricPointArrivesExactlyAndASecondImportChangesNothing(String db) throws SQLException {
    Path file = store(db);
    Path artifactRoot = file.resolveSibling(db.startsWith("zoomcamp") ? "mlruns" : "no-artifact-root");
    try (StorageBackend backend = StorageBackend.open("mem:sqlite-import-" + db)) {
      MlflowImporter.Builder importer = MlflowImporter.builder().from("sqlite:" + file).storage(backend);
      if (java.nio.file.Files.isDirectory(artifactRoot)) {
        importer.artifactRoot(artifactRoot);
      }
      MlflowImporter.Report first = importer.build().run();
      try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
           Tracker tracker = Tracker.builder().storage(backend).build()) {
        int runs = 0;
        int points = 0;
        for (Map<String, Object> e : rows(c, "SELECT experiment_id, name, lifecycle_stage FROM experiments")) {
          String id = e.get("experiment_id").toString();
          Experiment x = tracker.getExperiment(id).orElseThrow(() -> new AssertionError("experiment " + id + " was not imported"));
          assertEquals(e.get("name"), x.name());
          assertEquals(LifecycleStage.valueOf(e.get("lifecycle_stage").toString().toUpperCase()), x.lifecycleStage());
          Map<String, String> tags = new TreeMap<>(x.tags());
          assertEquals(id, tags.remove(MlflowImporter.EXPERIMENT_TAG));
          assertEquals(pairs(c, "SELECT key, value FROM experiment_tags WHERE experiment_id = " + id), tags);
        }
        for (Map<String, Object> r : rows(c, "SELECT * FROM runs")) {
          String id = (String) r.get("run_uuid");
          Run run = tracker.getRun(id);
          runs++;
          assertEquals(r.get("experiment_id").toString(), run.info().experimentId());
          assertEquals(r.get("name"), run.info().runName());
          assertEquals(r.get("status"), run.info().status().name());
          assertEquals(((Number) r.get("start_time")).longValue(), run.info().startTime());
          assertEquals(r.get("end_time") == null ? -1 : ((Number) r.get("end_time")).longValue(), run.info().endTime());   // -1: not ended
          assertEquals(r.get("user_id"), run.info().user());
          assertEquals(pairs(c, "SELECT key, value FROM params WHERE run_uuid = '" + id + "'"), new TreeMap<>(run.params()));
          Map<String, String> tags = new TreeMap<>(run.tags());
          assertEquals("sqlite:" + file.toAbsolutePath(), tags.remove(MlflowImporter.RUN_TAG));
          assertEquals(pairs(c, "SELECT key, value FROM tags WHERE run_uuid = '" + id + "'"), tags);
          Map<String, List<Metric>> history = new LinkedHashMap<>();
          for (Map<String, Object> m : rows(c, "SELECT key, value, timestamp, step, is_nan FROM metrics WHERE run_uuid = '" + id + "' ORDER BY rowid")) {
            double value = ((Number) m.get("is_nan")).intValue() == 1 ? Double.NaN : ((Number) m.get("value")).doubleValue();
            history.computeIfAbsent((String) m.get("key"), k -> new ArrayList<>())
                .add(new Metric((String) m.get("key"), value, ((Number) m.get("timestamp")).longValue(), ((Number) m.get("step")).longValue()));
          }
          List<String> inputs = new ArrayList<>();
          if (db.startsWith("zoomcamp")) {   // the schema revisions before 2.4 have no datasets
            for (Map<String, Object> d : rows(c, "SELECT d.name, d.digest, d.dataset_source, t.value FROM inputs i"
                + " JOIN datasets d ON d.dataset_uuid = i.source_id JOIN input_tags t ON t.input_uuid = i.input_uuid"
                + " WHERE t.name = 'mlflow.data.context' AND i.destination_id = '" + id + "'")) {
              inputs.add(d.get("name") + " " + d.get("digest") + " " + d.get("value") + " " + d.get("dataset_source"));
            }
          }
          assertEquals(new java.util.TreeSet<>(inputs), new java.util.TreeSet<>(run.inputs().stream()
              .map(in -> in.dataset().name() + " " + in.dataset().digest() + " " + in.context() + " " + in.dataset().sourceUri()).toList()));
          assertEquals(history.keySet(), run.latestMetrics().keySet(), "metric keys of run " + id);
          for (Map.Entry<String, List<Metric>> h : history.entrySet()) {
            assertEquals(h.getValue(), tracker.metricHistory(id, h.getKey()), "history of " + h.getKey() + " in run " + id);
            points += h.getValue().size();
          }
        }
        assertTrue(runs > 0 && points > 0, "the fixture has runs and metric points");
        assertEquals(runs, first.imported("runs"));
        assertEquals(points, first.imported("metric points"));
        try (ModelRegistry registry = ModelRegistry.builder().storage(backend).build()) {
          for (Map<String, Object> m : rows(c, "SELECT name, description FROM registered_models")) {
            String name = (String) m.get("name");
            assertEquals(m.get("description") == null ? "" : m.get("description"), registry.getModel(name).orElseThrow().description());
            Map<String, String> tags = new TreeMap<>(registry.getModel(name).orElseThrow().tags());
            assertEquals("true", tags.remove(MlflowImporter.MODEL_TAG));
            assertEquals(pairs(c, "SELECT key, value FROM registered_model_tags WHERE name = '" + name + "'"), tags);
            // neither fixture's version bytes can be had: MLflow 3 keeps this one as a logged model outside its run's
            // artifacts, and the repository the other comes from holds its run's model directory without model.xgb
            String why = db.startsWith("zoomcamp") ? "without exactly one model file (found 0" : "models:/m-";
            assertTrue(first.leftOut().stream().anyMatch(l -> l.startsWith("model version 1 of registered model '" + name + "'")
                && l.contains(why)), first.leftOut().toString());
            for (Map<String, Object> a : rows(c, "SELECT alias FROM registered_model_aliases WHERE name = '" + name + "'")) {
              assertTrue(first.leftOut().contains("alias '" + a.get("alias") + "' of registered model '" + name
                  + "' (MLflow version 1): the version was not imported"), first.leftOut().toString());
            }
          }
        }
        if (java.nio.file.Files.isDirectory(artifactRoot)) {
          String run = "92025337761b47258bb509b166789a29";
          Path copied = artifactRoot.resolve("1/" + run + "/artifacts/model/MLmodel");
          try (java.io.InputStream in = tracker.artifacts().open(run, "model/MLmodel")) {
            assertEquals(java.nio.file.Files.readString(copied), new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
          assertEquals("mlflow-artifacts:/1/" + run + "/artifacts", tracker.getRun(run).info().artifactUri());
        }
      }
      MlflowImporter.Report second = importer.build().run();
      second.imported().forEach((kind, n) -> assertEquals(0L, n, kind + " imported again: " + second.summary()));
      assertEquals(first.imported("runs"), second.alreadyThere().get("runs"));
    }
  }

  static List<Map<String, Object>> rows(Connection c, String sql) throws SQLException {
    List<Map<String, Object>> out = new ArrayList<>();
    try (Statement st = c.createStatement(); ResultSet r = st.executeQuery(sql)) {
      while (r.next()) {
        Map<String, Object> row = new HashMap<>();
        for (int i = 1; i <= r.getMetaData().getColumnCount(); i++) {
          row.put(r.getMetaData().getColumnName(i), r.getObject(i));
        }
        out.add(row);
      }
    }
    return out;
  }

  static Map<String, String> pairs(Connection c, String sql) throws SQLException {
    Map<String, String> out = new TreeMap<>();
    for (Map<String, Object> row : rows(c, sql)) {
      out.put((String) row.get("key"), row.get("value") == null ? "" : row.get("value").toString());
    }
    return out;
  }
}
