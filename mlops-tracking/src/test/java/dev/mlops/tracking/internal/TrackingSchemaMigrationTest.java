package dev.mlops.tracking.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mlops.api.internal.jdbc.Database;
import dev.mlops.api.internal.jdbc.Sql;
import dev.mlops.api.tracking.Metric;
import dev.mlops.api.tracking.Run;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A store written at schema version 1 opens at the current version, keeps its data and follows the new rules. */
class TrackingSchemaMigrationTest {
  @TempDir
  Path dir;

  @Test
  void aVersion1StoreMigratesAndKeepsItsLatestValues() {
    String runId = "0123456789abcdef0123456789abcdef";
    try (Database db = Database.sqlite(dir, false)) {
      db.migrate("tracking", JdbcTrackingStore.MIGRATIONS.subList(0, 1));
      db.transaction(c -> {
        Sql.update(c, "INSERT INTO experiments (experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time)"
            + " VALUES ('1', 'old', 'runs:/', 'ACTIVE', 1, 1)");
        Sql.update(c, "INSERT INTO runs (run_id, experiment_id, run_name, status, user_id, start_time, end_time, lifecycle_stage,"
            + " artifact_uri, parent_run_id) VALUES (?, '1', 'r', 'RUNNING', 'u', 1, NULL, 'ACTIVE', 'runs:/', '')", runId);
        byte[] point = ByteBuffer.allocate(24).putLong(3).putLong(100).putLong(Double.doubleToRawLongBits(5)).array();
        // the version 1 trigger moves the chunk's last point into latest_metrics
        Sql.update(c, "INSERT INTO metric_chunks (run_key, key, chunk_id, point_count, points, last_value, last_is_nan, last_ts, last_step)"
            + " VALUES (1, 'm', 1, 1, ?, 5.0, 0, 100, 3)", point);
        return null;
      });
      JdbcTrackingStore store = new JdbcTrackingStore(db);
      Run before = store.getRun(runId).orElseThrow();
      assertEquals(5.0, before.latestMetrics().get("m").value(), "data written at version 1 is read at the current version");
      store.logBatch(runId, List.of(new Metric("m", 2, 100, 3)), Map.of(), Map.of());
      assertEquals(5.0, store.getRun(runId).orElseThrow().latestMetrics().get("m").value(), "a smaller tie does not replace");
      store.logBatch(runId, List.of(new Metric("m", 8, 100, 3)), Map.of(), Map.of());
      assertEquals(8.0, store.getRun(runId).orElseThrow().latestMetrics().get("m").value(), "the migrated trigger breaks ties by value");
      assertEquals(3, store.getMetricHistory(runId, "m", 10, null).items().size());
    }
  }
}
