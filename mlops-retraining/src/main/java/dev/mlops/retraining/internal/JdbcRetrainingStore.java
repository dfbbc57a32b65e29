package dev.mlops.retraining.internal;

import dev.mlops.api.internal.jdbc.Database;
import dev.mlops.api.internal.jdbc.Dialect;
import dev.mlops.api.internal.jdbc.Migration;
import dev.mlops.api.internal.jdbc.Sql;
import dev.mlops.api.retraining.RetrainingStore;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/**
 * The retraining store over SQL: SQLite for {@code file:}, PostgreSQL for {@code jdbc:}. Fenced
 * writes read the lease row in the writing transaction: {@code SELECT ... FOR UPDATE} on
 * PostgreSQL (so a concurrent take-over waits for the write or the write sees it), and SQLite's
 * write transactions are exclusive already.
 */
public final class JdbcRetrainingStore implements RetrainingStore {
  static final List<Migration> MIGRATIONS = List.of(new Migration(1, "retraining tables", List.of(
      "CREATE TABLE ct_lease (loop_name TEXT PRIMARY KEY, holder TEXT NOT NULL, epoch {BIGINT} NOT NULL, lease_until {BIGINT} NOT NULL)",
      "CREATE TABLE ct_triggers (loop_name TEXT NOT NULL, tkey TEXT NOT NULL, time {BIGINT} NOT NULL, json TEXT NOT NULL, retraining TEXT,"
          + " PRIMARY KEY (loop_name, tkey))",
      "CREATE INDEX ct_triggers_time ON ct_triggers (loop_name, time)",
      "CREATE TABLE ct_retrainings (loop_name TEXT NOT NULL, id TEXT NOT NULL, created {BIGINT} NOT NULL, updated {BIGINT} NOT NULL,"
          + " state TEXT NOT NULL, epoch {BIGINT} NOT NULL, json TEXT NOT NULL, PRIMARY KEY (loop_name, id))",
      "CREATE INDEX ct_retrainings_created ON ct_retrainings (loop_name, created)")));

  private final Database db;

  /** Opens the store, applying its migrations. */
  public JdbcRetrainingStore(Database db) {
    this.db = db;
    db.migrate("retraining", MIGRATIONS);
  }

  private static Lease lease(ResultSet rs) throws SQLException {
    return new Lease(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4));
  }

  private Optional<Lease> readLease(Connection c, String loop, boolean lock) throws SQLException {
    String sql = "SELECT loop_name, holder, epoch, lease_until FROM ct_lease WHERE loop_name = ?"
        + (lock && db.dialect() == Dialect.POSTGRES ? " FOR UPDATE" : "");
    return Sql.first(c, sql, JdbcRetrainingStore::lease, loop);
  }

  @Override
  public Optional<Lease> acquire(String loop, String holder, long now, long ttlMillis) {
    return db.transaction(c -> {
      // insert the row first (a no-op when it exists), so the locking read below always finds one to lock
      Sql.update(c, "INSERT INTO ct_lease (loop_name, holder, epoch, lease_until) VALUES (?, '', 0, 0) ON CONFLICT (loop_name) DO NOTHING",
          loop);
      Lease current = readLease(c, loop, true).orElseThrow();
      long until = now + ttlMillis;
      if (current.holder().equals(holder) && current.until() > now) {
        Sql.update(c, "UPDATE ct_lease SET lease_until = ? WHERE loop_name = ?", until, loop);
        return Optional.of(new Lease(loop, holder, current.epoch(), until));
      }
      if (current.until() > now) {
        return Optional.<Lease>empty();
      }
      long epoch = current.epoch() + 1;
      Sql.update(c, "UPDATE ct_lease SET holder = ?, epoch = ?, lease_until = ? WHERE loop_name = ?", holder, epoch, until, loop);
      return Optional.of(new Lease(loop, holder, epoch, until));
    });
  }

  private boolean current(Connection c, Lease lease, long now) throws SQLException {
    Optional<Lease> l = readLease(c, lease.loop(), true);
    return l.isPresent() && l.get().epoch() == lease.epoch() && l.get().holder().equals(lease.holder()) && l.get().until() > now;
  }

  @Override
  public boolean release(Lease lease) {
    return db.transaction(c -> Sql.update(c, "UPDATE ct_lease SET lease_until = 0 WHERE loop_name = ? AND holder = ? AND epoch = ?",
        lease.loop(), lease.holder(), lease.epoch()) == 1);
  }

  @Override
  public Optional<Lease> lease(String loop) {
    return db.read(c -> readLease(c, loop, false));
  }

  @Override
  public boolean addTrigger(StoredTrigger t) {
    return db.transaction(c -> Sql.update(c, "INSERT INTO ct_triggers (loop_name, tkey, time, json, retraining) VALUES (?, ?, ?, ?, ?)"
        + " ON CONFLICT (loop_name, tkey) DO NOTHING", t.loop(), t.key(), t.time(), t.json(), t.retraining()) == 1);
  }

  @Override
  public List<StoredTrigger> triggers(String loop, boolean pendingOnly, long fromTime, int limit) {
    return db.read(c -> Sql.list(c, "SELECT loop_name, tkey, time, json, retraining FROM ct_triggers WHERE loop_name = ? AND time >= ?"
        + (pendingOnly ? " AND retraining IS NULL" : "") + " ORDER BY time, tkey LIMIT ?",
        rs -> new StoredTrigger(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getString(4), rs.getString(5)), loop, fromTime,
        Math.max(0, limit)));
  }

  @Override
  public boolean begin(Lease lease, long now, StoredRetraining r, List<String> triggerKeys) {
    return db.transaction(c -> {
      if (!current(c, lease, now)) {
        return false;
      }
      // the lease row is locked (or the SQLite write lock held), so the check and the writes below see the same queue
      for (String key : triggerKeys) {
        if (Sql.first(c, "SELECT 1 FROM ct_triggers WHERE loop_name = ? AND tkey = ? AND retraining IS NULL", rs -> 1, r.loop(), key)
            .isEmpty()) {
          return false;
        }
      }
      for (String key : triggerKeys) {
        Sql.update(c, "UPDATE ct_triggers SET retraining = ? WHERE loop_name = ? AND tkey = ?", r.id(), r.loop(), key);
      }
      Sql.update(c, "INSERT INTO ct_retrainings (loop_name, id, created, updated, state, epoch, json) VALUES (?, ?, ?, ?, ?, ?, ?)",
          r.loop(), r.id(), r.created(), r.updated(), r.state(), r.epoch(), r.json());
      return true;
    });
  }

  @Override
  public boolean update(Lease lease, long now, StoredRetraining r) {
    return db.transaction(c -> current(c, lease, now)
        && Sql.update(c, "UPDATE ct_retrainings SET updated = ?, state = ?, json = ? WHERE loop_name = ? AND id = ?", r.updated(),
            r.state(), r.json(), r.loop(), r.id()) == 1);
  }

  @Override
  public boolean close(Lease lease, long now, List<String> triggerKeys, String marker) {
    return db.transaction(c -> {
      if (!current(c, lease, now)) {
        return false;
      }
      for (String key : triggerKeys) {
        Sql.update(c, "UPDATE ct_triggers SET retraining = ? WHERE loop_name = ? AND tkey = ? AND retraining IS NULL", marker, lease.loop(), key);
      }
      return true;
    });
  }

  @Override
  public boolean requeue(Lease lease, long now, String retrainingId) {
    return db.transaction(c -> {
      if (!current(c, lease, now)) {
        return false;
      }
      Sql.update(c, "UPDATE ct_triggers SET retraining = NULL WHERE loop_name = ? AND retraining = ?", lease.loop(), retrainingId);
      return true;
    });
  }

  private static StoredRetraining retraining(ResultSet rs) throws SQLException {
    return new StoredRetraining(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4), rs.getString(5), rs.getLong(6),
        rs.getString(7));
  }

  @Override
  public List<StoredRetraining> retrainings(String loop, long fromTime, int limit) {
    return db.read(c -> Sql.list(c, "SELECT loop_name, id, created, updated, state, epoch, json FROM ct_retrainings"
        + " WHERE loop_name = ? AND created >= ? ORDER BY created, id LIMIT ?", JdbcRetrainingStore::retraining, loop, fromTime,
        Math.max(0, limit)));
  }

  @Override
  public List<String> loops() {
    return db.read(c -> Sql.list(c, "SELECT loop_name FROM ct_lease UNION SELECT loop_name FROM ct_triggers"
        + " UNION SELECT loop_name FROM ct_retrainings ORDER BY 1", rs -> rs.getString(1)));
  }

  @Override
  public Optional<StoredRetraining> retraining(String loop, String id) {
    return db.read(c -> Sql.first(c, "SELECT loop_name, id, created, updated, state, epoch, json FROM ct_retrainings"
        + " WHERE loop_name = ? AND id = ?", JdbcRetrainingStore::retraining, loop, id));
  }

  @Override
  public void close() {
    // the database belongs to the backend
  }
}
