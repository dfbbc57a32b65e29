package dev.mlops.monitoring.internal;

import dev.mlops.api.internal.jdbc.Database;
import dev.mlops.api.internal.jdbc.Migration;
import dev.mlops.api.internal.jdbc.Sql;
import dev.mlops.api.monitoring.MonitoringStore;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** The monitoring store over SQL: SQLite for {@code file:}, PostgreSQL for {@code jdbc:}. */
public final class JdbcMonitoringStore implements MonitoringStore {
  static final List<Migration> MIGRATIONS = List.of(new Migration(1, "monitoring tables", List.of(
      "CREATE TABLE mon_profiles (monitor TEXT NOT NULL, pkey TEXT NOT NULL, data {BLOB} NOT NULL, PRIMARY KEY (monitor, pkey))",
      "CREATE TABLE mon_reports (id {ID}, monitor TEXT NOT NULL, window_index {BIGINT} NOT NULL, time {BIGINT} NOT NULL, json TEXT NOT NULL)",
      "CREATE INDEX mon_reports_monitor ON mon_reports (monitor, window_index)",
      "CREATE TABLE mon_alerts (id {ID}, monitor TEXT NOT NULL, window_index {BIGINT} NOT NULL, time {BIGINT} NOT NULL, json TEXT NOT NULL)",
      "CREATE INDEX mon_alerts_monitor ON mon_alerts (monitor, time)")),
      // retention deletes old history by window and by time: both bounds indexed on both tables
      new Migration(2, "monitoring retention indexes", List.of(
          "CREATE INDEX mon_reports_time ON mon_reports (monitor, time)",
          "CREATE INDEX mon_alerts_window ON mon_alerts (monitor, window_index)")));

  private final Database db;

  /** Opens the store, applying its migrations. */
  public JdbcMonitoringStore(Database db) {
    this.db = db;
    db.migrate("monitoring", MIGRATIONS);
  }

  @Override
  public void putProfile(String monitor, String key, byte[] profile) {
    db.transaction(c -> Sql.update(c, "INSERT INTO mon_profiles (monitor, pkey, data) VALUES (?, ?, ?)"
        + " ON CONFLICT (monitor, pkey) DO UPDATE SET data = excluded.data", monitor, key, profile));
  }

  @Override
  public Optional<byte[]> profile(String monitor, String key) {
    return db.read(c -> Sql.first(c, "SELECT data FROM mon_profiles WHERE monitor = ? AND pkey = ?", rs -> rs.getBytes(1), monitor, key));
  }

  @Override
  public List<String> profileKeys(String monitor, String prefix) {
    // the prefix is compared in Java: no LIKE escaping, and the (monitor, pkey) index bounds the scan
    return db.read(c -> Sql.list(c, "SELECT pkey FROM mon_profiles WHERE monitor = ? AND pkey >= ? ORDER BY pkey", rs -> rs.getString(1),
        monitor, prefix)).stream().filter(k -> k.startsWith(prefix)).toList();
  }

  @Override
  public List<String> monitors() {
    return db.read(c -> Sql.list(c, "SELECT monitor FROM mon_profiles UNION SELECT monitor FROM mon_reports UNION SELECT monitor FROM mon_alerts"
        + " ORDER BY 1", rs -> rs.getString(1)));
  }

  private void add(String table, StoredRecord r) {
    db.transaction(c -> Sql.update(c, "INSERT INTO " + table + " (monitor, window_index, time, json) VALUES (?, ?, ?, ?)", r.monitor(),
        r.window(), r.time(), r.json()));
  }

  private List<StoredRecord> list(String sql, String monitor, long from, int limit) {
    return db.read(c -> Sql.list(c, sql + " LIMIT ?", rs -> new StoredRecord(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getString(4)),
        monitor, from, Math.max(0, limit)));
  }

  @Override
  public void addReport(StoredRecord report) {
    add("mon_reports", report);
  }

  @Override
  public List<StoredRecord> reports(String monitor, long fromWindow, int limit) {
    return list("SELECT monitor, window_index, time, json FROM mon_reports WHERE monitor = ? AND window_index >= ? ORDER BY window_index, id",
        monitor, fromWindow, limit);
  }

  @Override
  public long lastWindow(String monitor) {
    return db.read(c -> Sql.first(c, "SELECT MAX(window_index) FROM mon_reports WHERE monitor = ?",
        rs -> rs.getObject(1) == null ? -1L : rs.getLong(1), monitor).orElse(-1L));
  }

  @Override
  public void addAlert(StoredRecord alert) {
    add("mon_alerts", alert);
  }

  @Override
  public List<StoredRecord> alerts(String monitor, long fromTime, int limit) {
    return list("SELECT monitor, window_index, time, json FROM mon_alerts WHERE monitor = ? AND time >= ? ORDER BY time, id", monitor,
        fromTime, limit);
  }

  @Override
  public void deleteProfiles(String monitor, Collection<String> keys) {
    if (keys.isEmpty()) {
      return;
    }
    db.transaction(c -> {
      for (String k : keys) {
        Sql.update(c, "DELETE FROM mon_profiles WHERE monitor = ? AND pkey = ?", monitor, k);
      }
      return null;
    });
  }

  @Override
  public boolean replaceReport(String monitor, long window, String json) {
    return db.transaction(c -> Sql.update(c, "UPDATE mon_reports SET json = ? WHERE monitor = ? AND window_index = ?", json, monitor, window)) > 0;
  }

  @Override
  public long deleteHistory(String monitor, long beforeWindow, long beforeTime) {
    // two range deletes per table, each on its own index (an OR would read the monitor's every row)
    return db.transaction(c -> {
      long n = 0;
      for (String table : List.of("mon_reports", "mon_alerts")) {
        n += Sql.update(c, "DELETE FROM " + table + " WHERE monitor = ? AND window_index < ?", monitor, beforeWindow);
        n += Sql.update(c, "DELETE FROM " + table + " WHERE monitor = ? AND time < ?", monitor, beforeTime);
      }
      return n;
    });
  }

  @Override
  public void close() {
    // the database belongs to the backend
  }
}
