package dev.mlops.tracking.internal;

import dev.mlops.api.ConflictException;
import dev.mlops.api.NotFoundException;
import dev.mlops.api.internal.jdbc.Database;
import dev.mlops.api.internal.jdbc.Dialect;
import dev.mlops.api.tracking.LifecycleStage;
import dev.mlops.api.tracking.Metric;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * {@code logBatch} of {@link JdbcTrackingStore}: one run's metrics, params and tags, all or
 * nothing. On SQLite concurrent calls are joined by {@link GroupCommit}: one transaction and one
 * commit for every batch that queued while the previous write ran, where SQLite's one writer
 * connection otherwise runs one transaction per call after another. A batch the store refuses (its
 * run missing or deleted, a param that already has another value) is undone alone behind a
 * savepoint and fails with the exception it gets on its own; the rest of its group commits.
 *
 * <p>PostgreSQL keeps one transaction per call: each call borrows its own pooled connection and
 * transactions of different callers run at once, so there is no queue to join, and a grouped
 * commit whose answer a lost connection swallowed would leave every caller of the group unsure
 * whether its batch was written, not just one. A call made by work that this database
 * runs on the caller's thread (a registry transaction that logs to a run) writes directly, joining
 * that transaction: the caller holds the writer connection a leader on another thread would wait for.
 */
final class SqlBatches implements GroupCommit.Writer<SqlBatches.Batch> {
  /** One call's batch. */
  record Batch(String runId, List<Metric> metrics, Map<String, String> params, Map<String, String> tags) {}

  /** How the store finds a run. */
  interface Runs {
    /** The run's key and stage; caches the key. @throws NotFoundException if it does not exist */
    JdbcTrackingStore.RunRef require(Connection c, String runId) throws SQLException;

    /** The run's key if it is cached. */
    @Nullable Long cachedKey(String runId);
  }

  private final Database db;
  private final Dialect dialect;
  private final PendingLatest pending;
  private final Runs runs;
  private final GroupCommit<Batch> groups = new GroupCommit<>(this);

  SqlBatches(Database db, PendingLatest pending, Runs runs) {
    this.db = db;
    this.dialect = db.dialect();
    this.pending = pending;
    this.runs = runs;
  }

  /** The combiner of concurrent calls (tests set its hook). */
  GroupCommit<Batch> groups() {
    return groups;
  }

  /** Writes {@code batch}; returns once it is committed. */
  void log(Batch batch) {
    if (dialect == Dialect.SQLITE && !db.holdsConnection()) {
      groups.submit(batch);
    } else {
      writeAlone(batch);
    }
  }

  @Override
  public int entries(Batch batch) {
    return batch.metrics().size() + batch.params().size() + batch.tags().size();
  }

  @Override
  public void writeAlone(Batch b) {
    if (dialect == Dialect.SQLITE && b.params().isEmpty() && b.tags().isEmpty() && !b.metrics().isEmpty() && singleKey(b.metrics())) {
      Long runKey = runs.cachedKey(b.runId());
      if (runKey != null) {
        // one guarded INSERT in autocommit: the trigger marks the key pending in the same implicit transaction
        int written = db.autocommit(c -> {
          try (PreparedStatement ps = c.prepareStatement(MetricChunks.SQLITE_GUARDED_INSERT)) {
            MetricChunks.bindSqlite(ps, runKey, b.metrics().get(0).key(), b.metrics());
            return ps.executeUpdate();
          }
        });
        if (written == 1) {
          pending.afterCommittedWrite(1);
          return;
        }
        // run deleted: the full path below raises the right exception
      }
    }
    db.transaction(c -> {
      pending.afterWrite(c, write(c, b, false));
      return null;
    });
  }

  @Override
  public List<@Nullable RuntimeException> writeTogether(List<Batch> group) {
    return db.transaction(c -> {
      // built afresh by each attempt: a transient failure retries the whole transaction
      List<@Nullable RuntimeException> failures = new ArrayList<>(group.size());
      int chunks = 0;
      for (Batch b : group) {
        try {
          chunks += write(c, b, true);
          failures.add(null);
        } catch (NotFoundException | ConflictException e) {
          failures.add(e);
        }
      }
      pending.afterWrite(c, chunks);
      return failures;
    });
  }

  /**
   * Writes one batch in {@code c}'s transaction; returns the number of metric chunks written. The
   * refusals come before any write, except a conflicting param: with {@code undoAlone} the
   * batch's params are written behind a savepoint, so that refusal undoes this batch alone.
   */
  private int write(Connection c, Batch b, boolean undoAlone) throws SQLException {
    JdbcTrackingStore.RunRef run = runs.require(c, b.runId());
    if (run.stage() == LifecycleStage.DELETED) {
      throw new ConflictException("run '" + b.runId() + "' is deleted; restore it before logging");
    }
    if (!b.params().isEmpty()) {
      if (undoAlone) {
        execute(c, "SAVEPOINT mlops_batch");
        try {
          writeParams(c, run.key(), b.runId(), b.params());
        } catch (ConflictException e) {
          execute(c, "ROLLBACK TO SAVEPOINT mlops_batch");
          throw e;
        } finally {
          execute(c, "RELEASE SAVEPOINT mlops_batch");
        }
      } else {
        writeParams(c, run.key(), b.runId(), b.params());
      }
    }
    writeKeyValues(c, "tags", run.key(), b.tags(), true);
    return b.metrics().isEmpty() ? 0 : MetricChunks.write(c, dialect, run.key(), b.metrics());
  }

  private static void execute(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  private static boolean singleKey(List<Metric> metrics) {
    String key = metrics.get(0).key();
    for (Metric m : metrics) {
      if (!m.key().equals(key)) {
        return false;
      }
    }
    return true;
  }

  /** Writes a run's tags ({@code upsert}) or params (an existing key is kept) into {@code table}. */
  static void writeKeyValues(Connection c, String table, long runKey, Map<String, String> values, boolean upsert) throws SQLException {
    if (values.isEmpty()) {
      return;
    }
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " (run_key, key, value) VALUES (?, ?, ?) ON CONFLICT (run_key, key) DO "
        + (upsert ? "UPDATE SET value = excluded.value" : "NOTHING"))) {
      for (Map.Entry<String, String> e : values.entrySet()) {
        ps.setLong(1, runKey);
        ps.setString(2, e.getKey());
        ps.setString(3, e.getValue());
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  private static void writeParams(Connection c, long runKey, String runId, Map<String, String> params) throws SQLException {
    try (PreparedStatement ins = c.prepareStatement("INSERT INTO params (run_key, key, value) VALUES (?, ?, ?) ON CONFLICT (run_key, key) DO NOTHING");
        PreparedStatement sel = c.prepareStatement("SELECT value FROM params WHERE run_key = ? AND key = ?")) {
      for (Map.Entry<String, String> p : params.entrySet()) {
        ins.setLong(1, runKey);
        ins.setString(2, p.getKey());
        ins.setString(3, p.getValue());
        if (ins.executeUpdate() == 0) {
          sel.setLong(1, runKey);
          sel.setString(2, p.getKey());
          try (ResultSet rs = sel.executeQuery()) {
            rs.next();
            String old = rs.getString(1);
            if (!old.equals(p.getValue())) {
              throw new ConflictException("param '" + p.getKey() + "' of run '" + runId + "' already has value '" + old
                  + "'; params are write-once (tried '" + p.getValue() + "')");
            }
          }
        }
      }
    }
  }
}
