package dev.mlops.tracking.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlops.api.StorageBackend;
import dev.mlops.api.internal.jdbc.Database;
import dev.mlops.api.internal.jdbc.Dialect;
import dev.mlops.api.tracking.Dataset;
import dev.mlops.api.tracking.DatasetInput;
import dev.mlops.api.tracking.Experiment;
import dev.mlops.api.tracking.LifecycleStage;
import dev.mlops.api.tracking.Metric;
import dev.mlops.api.tracking.RunInfo;
import dev.mlops.api.tracking.RunStatus;
import dev.mlops.api.tracking.TrackingStore;
import dev.mlops.testkit.Postgres;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The plans of a page's data reads (params, tags, latest metrics and inputs of 100 runs among
 * 2,000): each probes its table's primary key with the page's keys, never a scan of the table.
 * On PostgreSQL the plan checked is the generic one a connection keeps after five executions.
 */
class RunDataPlanTest {
  @Test
  void eachReadProbesItsTablesPrimaryKeyOnSqlite() {
    eachReadProbesItsTablesPrimaryKey("file");
  }

  @Test
  @Postgres
  void eachReadProbesItsTablesPrimaryKeyOnPostgres() {
    eachReadProbesItsTablesPrimaryKey("postgres");
  }

  private static void eachReadProbesItsTablesPrimaryKey(String kind) {
    try (StorageBackend backend = kind.equals("file") ? Backends.file() : Backends.postgres()) {
      TrackingStore store = backend.store(TrackingStore.class);
      store.createExperiment(new Experiment("e1", "plan", "runs:/", LifecycleStage.ACTIVE, 1, 1, Map.of()));
      IntStream.range(0, 2_000).parallel().forEach(i -> {
        String id = String.format("%032x", i + 1L);
        store.createRun(new RunInfo(id, "e1", "run-" + i, RunStatus.FINISHED, "u", 1_000L + i, 5_000L, LifecycleStage.ACTIVE,
            "runs:/" + id, ""), Map.of("team", "t" + i % 7), Map.of("model", "m" + i % 4, "seed", Integer.toString(i)));
        store.logBatch(id, List.of(new Metric("acc", i / 2_000.0, 1, 0), new Metric("loss", 1 - i / 2_000.0, 1, 0)), Map.of(), Map.of());
        store.logInputs(id, List.of(new DatasetInput(new Dataset("train", "d" + i, "file:/d", "{}", i), "training")));
      });
      Dialect dialect = kind.equals("file") ? Dialect.SQLITE : Dialect.POSTGRES;
      Database db = Database.of(backend);
      List<List<String>> plans = db.read(c -> {
        if (dialect == Dialect.POSTGRES) {
          try (Statement st = c.createStatement()) {
            st.execute("ANALYZE");
          }
        }
        List<Long> keys = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT run_key FROM runs ORDER BY run_id")) {
          for (int n = 0; rs.next(); n++) {
            if (n % 20 == 7) {
              keys.add(rs.getLong(1));
            }
          }
        }
        assertEquals(100, keys.size());
        return RunData.explain(c, dialect, keys);
      });
      List<String> tables = List.of("params", "tags", "latest_metrics", "inputs");
      assertEquals(tables.size(), plans.size());
      for (int t = 0; t < tables.size(); t++) {
        String plan = String.join("\n", plans.get(t));
        String primaryKey = dialect == Dialect.POSTGRES ? tables.get(t) + "_pkey" : "USING PRIMARY KEY";
        assertTrue(plan.contains(primaryKey), tables.get(t) + " is read along its primary key:\n" + plan);
        assertTrue(!plan.contains("Seq Scan") && plans.get(t).stream().noneMatch(l -> l.startsWith("SCAN")),
            tables.get(t) + " is not scanned:\n" + plan);
      }
    }
  }
}
