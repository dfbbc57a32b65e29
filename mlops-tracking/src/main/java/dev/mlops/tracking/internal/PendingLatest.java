package dev.mlops.tracking.internal;

import dev.mlops.api.internal.jdbc.Database;
import dev.mlops.api.internal.jdbc.Dialect;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * When a {@code file:} store's pending latest values ({@link MetricChunks}) are folded into
 * {@code latest_metrics}: before anything reads latest values, and by the writer every
 * {@value #FOLD_EVERY} chunks it writes, so no reader ever has many to fold. On PostgreSQL latest
 * values are written with their chunks and nothing here does anything.
 */
final class PendingLatest {
  /** Chunks written after which the writer folds pending latest values itself. */
  static final int FOLD_EVERY = 4096;

  private final Database db;
  private final boolean active;
  private final AtomicLong chunkWrites = new AtomicLong();

  PendingLatest(Database db) {
    this.db = db;
    this.active = db.dialect() == Dialect.SQLITE;
  }

  /**
   * Brings latest_metrics up to date before it is read: if some key is pending (written by this or
   * another process since the last fold), folds every pending key in one write transaction. Costs
   * one indexed read when nothing is pending.
   */
  void beforeRead() {
    if (active && db.read(MetricChunks::anyPending)) {
      fold();
    }
  }

  /** After {@code chunks} chunks were committed on their own: folds in a transaction of its own if one is due. */
  void afterCommittedWrite(int chunks) {
    if (active && due(chunks)) {
      fold();
    }
  }

  /** After {@code chunks} chunks were written in the transaction of {@code c}: folds in it if one is due. */
  void afterWrite(Connection c, int chunks) throws SQLException {
    if (active && due(chunks)) {
      MetricChunks.foldPending(c);
    }
  }

  /** Folds in {@code c}'s transaction, as a run ends (it leaves no latest value to fold). */
  void foldIn(Connection c) throws SQLException {
    if (active) {
      MetricChunks.foldPending(c);
    }
  }

  private void fold() {
    db.transaction(c -> {
      MetricChunks.foldPending(c);
      return null;
    });
  }

  /** Counts chunks written; true when the count passes a multiple of {@link #FOLD_EVERY}. */
  private boolean due(int chunks) {
    long after = chunkWrites.addAndGet(chunks);
    return after / FOLD_EVERY != (after - chunks) / FOLD_EVERY;
  }
}
