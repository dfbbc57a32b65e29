package dev.mlops.monitoring.internal;

import dev.mlops.api.internal.jdbc.Database;
import dev.mlops.api.internal.jdbc.Migration;
import dev.mlops.api.monitoring.MonitoringStore;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The monitoring store over SQL: SQLite for {@code file:}, PostgreSQL for {@code jdbc:}. */
public final class JdbcMonitoringStore implements MonitoringStore {
  static final List<Migration> MIGRATIONS = List.of(new Migration(1, "monitoring tables", List.of(
      "CREATE TABLE mon_profiles (monitor TEXT NOT NULL, pkey TEXT NOT NULL, data {BLOB} NOT NULL, PRIMARY KEY (monitor, pkey))",
      "CREATE TABLE mon_reports (id {ID}, monitor TEXT NOT NULL, window_index {BIGINT} NOT NULL, time {BIGINT} NOT NULL, json TEXT NOT NULL)",
      "CREATE INDEX mon_reports_monitor ON mon_reports (monitor, window_index)",
      "CREATE TABLE mon_alerts (id {ID}, monitor TEXT NOT NULL, window_index {BIGINT} NOT NULL, time {BIGINT} NOT NULL, json TEXT NOT NULL)",
      "CREATE INDEX mon_alerts_monitor ON mon_alerts (monitor, time)")));

  private final Database db;

  /** Opens the store, applying its migrations. */
  public JdbcMonitoringStore(Database db) {
    this.db = db;
    db.migrate("monitoring", MIGRATIONS);
  }

  @Override
  public void putProfile(String monitor, String key, byte[] profile) {
    db.transaction(c -> {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO mon_profiles (monitor, pkey, data) VALUES (?, ?, ?)"
          + " ON CONFLICT (monitor, pkey) DO UPDATE SET data = excluded.data")) {
        ps.setString(1, monitor);
        ps.setString(2, key);
        ps.setBytes(3, profile);
        return ps.executeUpdate();
      }
    });
  }

  @Override
  public Optional<byte[]> profile(String monitor, String key) {
    return db.read(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT data FROM mon_profiles WHERE monitor = ? AND pkey = ?")) {
        ps.setString(1, monitor);
        ps.setString(2, key);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? Optional.of(rs.getBytes(1)) : Optional.<byte[]>empty();
        }
      }
    });
  }

  private void add(String table, StoredRecord r) {
    db.transaction(c -> {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " (monitor, window_index, time, json) VALUES (?, ?, ?, ?)")) {
        ps.setString(1, r.monitor());
        ps.setLong(2, r.window());
        ps.setLong(3, r.time());
        ps.setString(4, r.json());
        return ps.executeUpdate();
      }
    });
  }

  private List<StoredRecord> list(String sql, String monitor, long from, int limit) {
    return db.read(c -> {
      List<StoredRecord> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement(sql + " LIMIT " + Math.max(0, limit))) {
        ps.setString(1, monitor);
        ps.setLong(2, from);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(new StoredRecord(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getString(4)));
          }
        }
      }
      return out;
    });
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
  public void addAlert(StoredRecord alert) {
    add("mon_alerts", alert);
  }

  @Override
  public List<StoredRecord> alerts(String monitor, long fromTime, int limit) {
    return list("SELECT monitor, window_index, time, json FROM mon_alerts WHERE monitor = ? AND time >= ? ORDER BY time, id", monitor,
        fromTime, limit);
  }

  @Override
  public void close() {
    // the database belongs to the backend
  }
}
