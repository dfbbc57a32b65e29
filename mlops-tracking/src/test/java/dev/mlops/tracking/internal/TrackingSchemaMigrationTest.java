package dev.mlops.tracking.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.mlops.api.StorageException;
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
      db.migrate("tracking", TrackingSchema.MIGRATIONS.subList(0, 1));
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
      // the version 1 chunk (raw form) and the two written now (delta form) read back as one history
      assertEquals(List.of(new Metric("m", 5, 100, 3), new Metric("m", 2, 100, 3), new Metric("m", 8, 100, 3)),
          store.getMetricHistory(runId, "m", 10, null).items());
    }
  }

  @Test
  void aStoreWrittenByANewerReleaseIsRefusedNotMisread() {
    try (Database db = Database.sqlite(dir, false)) {
      db.migrate("tracking", TrackingSchema.MIGRATIONS);
      db.transaction(c -> Sql.update(c, "UPDATE mlops_schema SET version = ? WHERE component = 'tracking'", 99));
      StorageException e = assertThrows(StorageException.class, () -> db.migrate("tracking", TrackingSchema.MIGRATIONS));
      int known = TrackingSchema.MIGRATIONS.get(TrackingSchema.MIGRATIONS.size() - 1).version();
      assertEquals("the store's tracking schema is at version 99, newer than this release's " + known
          + "; open it with the release that wrote it or a later one", e.getMessage());
      assertEquals(List.of(99), db.read(c -> Sql.list(c, "SELECT version FROM mlops_schema WHERE component = 'tracking'", rs -> rs.getInt(1))));
    }
  }
}
