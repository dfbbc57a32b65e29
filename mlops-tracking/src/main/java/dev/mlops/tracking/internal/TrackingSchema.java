package dev.mlops.tracking.internal;

import dev.mlops.api.internal.jdbc.Migration;
import java.util.List;

/**
 * The tracking store's SQL schema, one {@link Migration} per version (the comment above each says
 * why it exists), and how a metric value is kept in its columns: NaN and negative zero as a marker
 * beside the value, so they round-trip exactly.
 */
final class TrackingSchema {
  private TrackingSchema() {}

  /** When an incoming point (excluded) replaces the stored latest one: step, then timestamp, then the larger value. */
  static final String LATER = "excluded.step > latest_metrics.step OR (excluded.step = latest_metrics.step"
      + " AND (excluded.ts > latest_metrics.ts OR (excluded.ts = latest_metrics.ts AND excluded.is_nan <> 1"
      + " AND latest_metrics.is_nan <> 1 AND excluded.value >= latest_metrics.value)))";

  static final List<Migration> MIGRATIONS = List.of(new Migration(1, "tracking tables", List.of(
      "CREATE TABLE experiments (experiment_id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, artifact_location TEXT NOT NULL,"
          + " lifecycle_stage TEXT NOT NULL, creation_time {BIGINT} NOT NULL, last_update_time {BIGINT} NOT NULL)",
      "CREATE TABLE experiment_tags (experiment_id TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (experiment_id, key))",
      "CREATE TABLE runs (run_key {ID}, run_id TEXT NOT NULL UNIQUE, experiment_id TEXT NOT NULL, run_name TEXT NOT NULL, status TEXT NOT NULL,"
          + " user_id TEXT NOT NULL, start_time {BIGINT} NOT NULL, end_time {BIGINT}, lifecycle_stage TEXT NOT NULL,"
          + " artifact_uri TEXT NOT NULL, parent_run_id TEXT NOT NULL, deleted_with_experiment INTEGER NOT NULL DEFAULT 0)",
      "CREATE INDEX runs_experiment_start ON runs (experiment_id, lifecycle_stage, start_time)",
      "CREATE INDEX runs_start ON runs (start_time)",
      "CREATE TABLE params (run_key {BIGINT} NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (run_key, key)){WITHOUT_ROWID}",
      "CREATE INDEX params_key_value ON params (key, value)",
      "CREATE TABLE tags (run_key {BIGINT} NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (run_key, key)){WITHOUT_ROWID}",
      "CREATE INDEX tags_key_value ON tags (key, value)",
      "CREATE TABLE latest_metrics (run_key {BIGINT} NOT NULL, key TEXT NOT NULL, value {DOUBLE} NOT NULL, is_nan INTEGER NOT NULL,"
          + " ts {BIGINT} NOT NULL, step {BIGINT} NOT NULL, PRIMARY KEY (run_key, key)){WITHOUT_ROWID}",
      "CREATE INDEX latest_metrics_key_value ON latest_metrics (key, is_nan, value)",
      // SQLite: one B-tree clustered by (run, key, chunk), so a synchronous point writes one page fewer;
      // chunk ids are allocated per run and key under SQLite's write lock. PostgreSQL: a sequence.
      "sqlite:CREATE TABLE metric_chunks (run_key INTEGER NOT NULL, key TEXT NOT NULL, chunk_id INTEGER NOT NULL,"
          + " point_count INTEGER NOT NULL, points BLOB NOT NULL, last_value REAL NOT NULL, last_is_nan INTEGER NOT NULL,"
          + " last_ts INTEGER NOT NULL, last_step INTEGER NOT NULL, PRIMARY KEY (run_key, key, chunk_id)) WITHOUT ROWID",
      // SQLite: the latest value follows every chunk in the same statement, so one INSERT logs a point atomically
      "sqlite:CREATE TRIGGER metric_chunks_latest AFTER INSERT ON metric_chunks BEGIN"
          + " INSERT INTO latest_metrics (run_key, key, value, is_nan, ts, step)"
          + " VALUES (NEW.run_key, NEW.key, NEW.last_value, NEW.last_is_nan, NEW.last_ts, NEW.last_step)"
          + " ON CONFLICT (run_key, key) DO UPDATE SET value = excluded.value, is_nan = excluded.is_nan, ts = excluded.ts, step = excluded.step"
          + " WHERE excluded.step > latest_metrics.step OR (excluded.step = latest_metrics.step AND excluded.ts >= latest_metrics.ts); END",
      "postgres:CREATE TABLE metric_chunks (chunk_id BIGSERIAL PRIMARY KEY, run_key BIGINT NOT NULL, key TEXT NOT NULL,"
          + " point_count INTEGER NOT NULL, points BYTEA NOT NULL)",
      "postgres:CREATE INDEX metric_chunks_run_key ON metric_chunks (run_key, key, chunk_id)",
      "CREATE TABLE inputs (run_key {BIGINT} NOT NULL, name TEXT NOT NULL, digest TEXT NOT NULL, context TEXT NOT NULL,"
          + " source_uri TEXT NOT NULL, schema_text TEXT NOT NULL, row_count {BIGINT} NOT NULL, PRIMARY KEY (run_key, name, digest, context)){WITHOUT_ROWID}",
      "CREATE INDEX inputs_name ON inputs (name)")),
      // v2: the latest value breaks a (step, timestamp) tie by the larger value, as MLflow does; is_nan = 2 marks -0.0,
      // which SQLite would otherwise store as the integer 0
      new Migration(2, "latest metric ties and negative zero", List.of(
          "sqlite:DROP TRIGGER metric_chunks_latest",
          "sqlite:CREATE TRIGGER metric_chunks_latest AFTER INSERT ON metric_chunks BEGIN"
              + " INSERT INTO latest_metrics (run_key, key, value, is_nan, ts, step)"
              + " VALUES (NEW.run_key, NEW.key, NEW.last_value, NEW.last_is_nan, NEW.last_ts, NEW.last_step)"
              + " ON CONFLICT (run_key, key) DO UPDATE SET value = excluded.value, is_nan = excluded.is_nan, ts = excluded.ts, step = excluded.step"
              + " WHERE " + LATER + "; END")),
      // v3: a metric's values in order, so "order by one metric" reads the first page along an index
      new Migration(3, "metric values in order", List.of(
          "CREATE INDEX latest_metrics_key_ordered ON latest_metrics (key, value, is_nan)")),
      // v4: the ordered index serves value ranges too (key = ? AND value < ?); the first index only cost every metric write
      new Migration(4, "one index of metric values", List.of(
          "DROP INDEX latest_metrics_key_value")),
      // v5: chunks are written in the delta form (MetricPoints), about 10 bytes a point instead of 24; no DDL,
      // the version records that releases before it cannot read such chunks
      new Migration(5, "delta-encoded metric chunks", List.of()),
      // v6 (SQLite): a chunk marks its key pending instead of updating the latest value, its index and the ordered
      // index in the same commit; readers of latest values fold pending keys first (MetricChunks.foldPending)
      new Migration(6, "latest metric values folded on read", List.of(
          "sqlite:CREATE TABLE metric_pending (run_key INTEGER NOT NULL, key TEXT NOT NULL, from_chunk INTEGER NOT NULL,"
              + " PRIMARY KEY (run_key, key)) WITHOUT ROWID",
          "sqlite:DROP TRIGGER metric_chunks_latest",
          "sqlite:CREATE TRIGGER metric_chunks_pending AFTER INSERT ON metric_chunks BEGIN"
              + " INSERT INTO metric_pending (run_key, key, from_chunk) VALUES (NEW.run_key, NEW.key, NEW.chunk_id)"
              + " ON CONFLICT (run_key, key) DO NOTHING; END")));

  /** The is_nan column: 0 a number, 1 NaN, 2 negative zero. */
  static int special(double v) {
    return Double.isNaN(v) ? 1 : v == 0 && Double.doubleToRawLongBits(v) != 0 ? 2 : 0;
  }

  /** A stored value back from its column and its is_nan marker. */
  static double value(double stored, int special) {
    return special == 1 ? Double.NaN : special == 2 ? -0.0 : stored;
  }
}
