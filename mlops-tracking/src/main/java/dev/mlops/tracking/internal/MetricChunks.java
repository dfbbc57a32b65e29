package dev.mlops.tracking.internal;

import dev.mlops.api.Page;
import dev.mlops.api.internal.jdbc.Dialect;
import dev.mlops.api.internal.jdbc.Sql;
import dev.mlops.api.tracking.Metric;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Metric history in {@code metric_chunks}: one row per logged batch and key holding its points in
 * the packed form of {@link MetricPoints}, and the latest point of each key kept in
 * {@code latest_metrics}. On PostgreSQL an upsert in the same transaction moves it there. On
 * SQLite the chunk table's trigger only marks the key pending in {@code metric_pending} (a row that
 * is already there is not written again), so a synchronous point writes one B-tree page where the
 * latest value, its primary key and the ordered index of latest values would be three more; readers
 * of latest values call {@link #foldPending} first, which moves the latest point of every pending
 * key's new chunks into {@code latest_metrics} in one statement.
 */
final class MetricChunks {
  private static final String SQLITE_INSERT = "INSERT INTO metric_chunks (run_key, key, point_count, points, last_value, last_is_nan,"
      + " last_ts, last_step, chunk_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?,"
      + " (SELECT COALESCE(MAX(chunk_id), 0) + 1 FROM metric_chunks WHERE run_key = ?1 AND key = ?2))";

  /**
   * The SQLite fast path's statement: the chunk is written only if the run exists and is active
   * (otherwise its chunk id is NULL, which the NOT NULL column refuses and OR IGNORE skips: no row,
   * an update count of 0). A VALUES row, not INSERT ... SELECT ... WHERE: the SELECT form reads the
   * table it inserts into, which SQLite stages through a temporary table (1.3 µs of a 15 µs point).
   * OR IGNORE cannot hide anything else: every other column is bound non-null, and the chunk id is
   * the key's largest plus one under SQLite's write lock, so it never collides.
   */
  static final String SQLITE_GUARDED_INSERT = "INSERT OR IGNORE INTO metric_chunks (run_key, key, point_count, points, last_value,"
      + " last_is_nan, last_ts, last_step, chunk_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?,"
      + " CASE WHEN EXISTS (SELECT 1 FROM runs WHERE run_key = ?1 AND lifecycle_stage = 'ACTIVE')"
      + " THEN (SELECT COALESCE(MAX(chunk_id), 0) + 1 FROM metric_chunks WHERE run_key = ?1 AND key = ?2) END)";

  /** The upsert of an INSERT into latest_metrics: the incoming point replaces the stored one where it is later. */
  private static final String UPSERT_IF_LATER = " ON CONFLICT (run_key, key) DO UPDATE SET value = excluded.value, is_nan = excluded.is_nan,"
      + " ts = excluded.ts, step = excluded.step WHERE " + TrackingSchema.LATER;

  /**
   * Each pending key's chunks from the first one not yet folded, in the order they were written, upserted
   * into latest_metrics where later (the trigger of schema v2 to v5 did the same one chunk at a time).
   * CROSS JOIN keeps pending keys the outer loop (SQLite does not reorder it), so only the new chunks'
   * range of the primary key is read; ordered by the chunks instead, the planner scanned every chunk.
   */
  static final String SQLITE_FOLD = "INSERT INTO latest_metrics (run_key, key, value, is_nan, ts, step)"
      + " SELECT c.run_key, c.key, c.last_value, c.last_is_nan, c.last_ts, c.last_step FROM metric_pending p"
      + " CROSS JOIN metric_chunks c ON c.run_key = p.run_key AND c.key = p.key AND c.chunk_id >= p.from_chunk"
      + " WHERE 1 ORDER BY p.run_key, p.key, c.chunk_id" + UPSERT_IF_LATER;

  private MetricChunks() {}

  /** Whether some key's latest value waits in metric_pending (SQLite only). */
  static boolean anyPending(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM metric_pending LIMIT 1"); ResultSet rs = ps.executeQuery()) {
      return rs.next();
    }
  }

  /** Moves every pending key's latest point into latest_metrics (SQLite only; call in a write transaction). */
  static void foldPending(Connection c) throws SQLException {
    try (PreparedStatement fold = c.prepareStatement(SQLITE_FOLD); PreparedStatement clear = c.prepareStatement("DELETE FROM metric_pending")) {
      fold.executeUpdate();
      clear.executeUpdate();
    }
  }

  /**
   * Writes one chunk per key of {@code metrics} and moves each key's latest point into latest_metrics
   * (on SQLite: marks the key pending); returns the number of chunks written.
   */
  static int write(Connection c, Dialect dialect, long runKey, List<Metric> metrics) throws SQLException {
    Map<String, List<Metric>> byKey = new LinkedHashMap<>();
    for (Metric m : metrics) {
      byKey.computeIfAbsent(m.key(), k -> new ArrayList<>()).add(m);
    }
    if (dialect == Dialect.SQLITE) {
      try (PreparedStatement chunk = c.prepareStatement(SQLITE_INSERT)) {
        for (Map.Entry<String, List<Metric>> e : byKey.entrySet()) {
          bindSqlite(chunk, runKey, e.getKey(), e.getValue());
          chunk.executeUpdate();
        }
      }
      return byKey.size();
    }
    try (PreparedStatement chunk = c.prepareStatement("INSERT INTO metric_chunks (run_key, key, point_count, points) VALUES (?, ?, ?, ?)");
        PreparedStatement latest = c.prepareStatement("INSERT INTO latest_metrics (run_key, key, value, is_nan, ts, step) VALUES (?, ?, ?, ?, ?, ?)"
            + UPSERT_IF_LATER)) {
      for (Map.Entry<String, List<Metric>> e : byKey.entrySet()) {
        bindPoints(chunk, latest, runKey, e.getKey(), e.getValue());
        chunk.addBatch();
        latest.addBatch();
      }
      chunk.executeBatch();
      latest.executeBatch();
    }
    return byKey.size();
  }

  /** Binds a SQLite chunk row: the packed points and the chunk's latest point (folded into latest_metrics later). */
  static void bindSqlite(PreparedStatement ps, long runKey, String key, List<Metric> points) throws SQLException {
    bindChunk(ps, runKey, key, points);
    bindPoint(ps, 5, latest(points));
  }

  /** Binds one key's chunk of points and, for the upsert into latest_metrics, its latest point. */
  private static void bindPoints(PreparedStatement chunk, PreparedStatement latest, long runKey, String key, List<Metric> points)
      throws SQLException {
    bindChunk(chunk, runKey, key, points);
    latest.setLong(1, runKey);
    latest.setString(2, key);
    bindPoint(latest, 3, latest(points));
  }

  /** Parameters 1 to 4: run, key, point count and the packed points. */
  private static void bindChunk(PreparedStatement ps, long runKey, String key, List<Metric> points) throws SQLException {
    ps.setLong(1, runKey);
    ps.setString(2, key);
    ps.setInt(3, points.size());
    ps.setBytes(4, MetricPoints.encode(points));
  }

  /** Four parameters from {@code at}: a point's value (0 for NaN), its NaN / -0.0 marker, timestamp and step. */
  private static void bindPoint(PreparedStatement ps, int at, Metric point) throws SQLException {
    ps.setDouble(at, Double.isNaN(point.value()) ? 0.0 : point.value());
    ps.setInt(at + 1, TrackingSchema.special(point.value()));
    ps.setLong(at + 2, point.timestamp());
    ps.setLong(at + 3, point.step());
  }

  /** The point that is the latest of the chunk: step, then timestamp, then the larger value. */
  private static Metric latest(List<Metric> points) {
    Metric last = points.get(0);
    for (Metric m : points) {
      if (m.isAtOrAfter(last)) {
        last = m;
      }
    }
    return last;
  }

  /** A page of one key's history from the chunk and point a page token names ({@link HistoryToken}). */
  static Page<Metric> page(Connection c, long runKey, String key, int maxResults, long[] pos) throws SQLException {
    List<Metric> out = new ArrayList<>();
    String next = null;
    try (PreparedStatement ps = Sql.prepare(c, "SELECT chunk_id, point_count, points FROM metric_chunks WHERE run_key = ? AND key = ?"
        + " AND chunk_id >= ? ORDER BY chunk_id", runKey, key, pos[0])) {
      ps.setFetchSize(64);
      try (ResultSet rs = ps.executeQuery()) {
        int skip = (int) pos[1];
        outer:
        while (rs.next()) {
          long id = rs.getLong(1);
          int count = rs.getInt(2);
          long[] steps = new long[count];
          long[] timestamps = new long[count];
          double[] values = new double[count];
          MetricPoints.decode(rs.getBytes(3), count, steps, timestamps, values);
          for (int i = 0; i < count; i++) {
            if (id == pos[0] && i < skip) {
              continue;
            }
            if (out.size() == maxResults) {
              next = HistoryToken.encodeChunk(id, i);
              break outer;
            }
            out.add(new Metric(key, values[i], timestamps[i], steps[i]));
          }
          if (out.size() == maxResults && next == null) {
            // the page is full at a chunk boundary: the next page starts at the next chunk, if any
            if (rs.next()) {
              next = HistoryToken.encodeChunk(rs.getLong(1), 0);
            }
            break;
          }
        }
      }
    }
    return new Page<>(out, Optional.ofNullable(next));
  }
}
