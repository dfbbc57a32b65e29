package dev.mlops.tracking.internal;

import dev.mlops.api.AlreadyExistsException;
import dev.mlops.api.NotFoundException;
import dev.mlops.api.internal.jdbc.Database;
import dev.mlops.api.internal.jdbc.Dialect;
import dev.mlops.api.internal.jdbc.Sql;
import dev.mlops.api.tracking.Experiment;
import dev.mlops.api.tracking.LifecycleStage;
import dev.mlops.api.tracking.ViewType;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Experiments in the SQL tracking store: created with their tags, read by id, name or stage,
 * renamed, tagged, and deleted or restored together with the runs deleted with them.
 */
final class SqlExperiments {
  private final Database db;
  private final Dialect dialect;

  SqlExperiments(Database db) {
    this.db = db;
    this.dialect = db.dialect();
  }

  Experiment create(Experiment e) {
    return db.transaction(c -> {
      if (queryExperiment(c, "name", e.name()).isPresent() || queryExperiment(c, "experiment_id", e.id()).isPresent()) {
        Optional<Experiment> byName = queryExperiment(c, "name", e.name());
        if (byName.isPresent()) {
          throw new AlreadyExistsException("experiment '" + e.name() + "' already exists"
              + (byName.get().lifecycleStage() == LifecycleStage.DELETED ? " (deleted; restore it or choose another name)" : ""));
        }
        throw new AlreadyExistsException("experiment id '" + e.id() + "' already exists");
      }
      try {
        Sql.update(c, "INSERT INTO experiments (experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time)"
            + " VALUES (?, ?, ?, ?, ?, ?)", e.id(), e.name(), e.artifactLocation(), e.lifecycleStage().name(), e.creationTime(), e.lastUpdateTime());
      } catch (SQLException ex) {
        if (dialect.isUniqueViolation(ex)) {
          throw new AlreadyExistsException("experiment '" + e.name() + "' already exists");
        }
        throw ex;
      }
      for (Map.Entry<String, String> t : e.tags().entrySet()) {
        Sql.update(c, "INSERT INTO experiment_tags (experiment_id, key, value) VALUES (?, ?, ?)", e.id(), t.getKey(), t.getValue());
      }
      return e;
    });
  }

  private static Optional<Experiment> queryExperiment(Connection c, String column, String value) throws SQLException {
    List<Experiment> l = experiments(c, " WHERE " + column + " = ?", value);
    return l.isEmpty() ? Optional.empty() : Optional.of(l.get(0));
  }

  private static List<Experiment> experiments(Connection c, String where, Object... args) throws SQLException {
    List<String[]> rows = new ArrayList<>();
    List<long[]> times = new ArrayList<>();
    try (PreparedStatement ps = Sql.prepare(c, "SELECT experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time"
        + " FROM experiments" + where + " ORDER BY creation_time, experiment_id", args); ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        rows.add(new String[] {rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)});
        times.add(new long[] {rs.getLong(5), rs.getLong(6)});
      }
    }
    Map<String, Map<String, String>> tags = new HashMap<>();
    if (!rows.isEmpty()) {
      try (PreparedStatement ps = Sql.prepare(c, "SELECT experiment_id, key, value FROM experiment_tags"
          + (rows.size() == 1 ? " WHERE experiment_id = ?" : ""), rows.size() == 1 ? new Object[] {rows.get(0)[0]} : new Object[0]);
          ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          tags.computeIfAbsent(rs.getString(1), k -> new LinkedHashMap<>()).put(rs.getString(2), rs.getString(3));
        }
      }
    }
    List<Experiment> out = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      String[] r = rows.get(i);
      out.add(new Experiment(r[0], r[1], r[2], LifecycleStage.valueOf(r[3]), times.get(i)[0], times.get(i)[1],
          tags.getOrDefault(r[0], Map.of())));
    }
    return out;
  }

  Optional<Experiment> byId(String id) {
    return db.read(c -> queryExperiment(c, "experiment_id", id));
  }

  Optional<Experiment> byName(String name) {
    return db.read(c -> queryExperiment(c, "name", name));
  }

  List<Experiment> list(ViewType view) {
    return db.read(c -> switch (view) {
      case ALL -> experiments(c, "");
      case ACTIVE_ONLY -> experiments(c, " WHERE lifecycle_stage = ?", LifecycleStage.ACTIVE.name());
      case DELETED_ONLY -> experiments(c, " WHERE lifecycle_stage = ?", LifecycleStage.DELETED.name());
    });
  }

  /** @throws NotFoundException if experiment {@code id} does not exist */
  static void require(Connection c, String id) throws SQLException {
    if (!exists(c, "SELECT 1 FROM experiments WHERE experiment_id = ?", id)) {
      throw new NotFoundException("experiment '" + id + "' does not exist");
    }
  }

  void rename(String id, String newName, long time) {
    db.transaction(c -> {
      require(c, id);
      if (exists(c, "SELECT 1 FROM experiments WHERE name = ? AND experiment_id <> ?", newName, id)) {
        throw new AlreadyExistsException("experiment '" + newName + "' already exists");
      }
      return Sql.update(c, "UPDATE experiments SET name = ?, last_update_time = ? WHERE experiment_id = ?", newName, time, id);
    });
  }

  /** Deleting an experiment deletes its active runs with it; restoring it restores those runs. */
  void setLifecycle(String id, LifecycleStage stage, long time) {
    db.transaction(c -> {
      require(c, id);
      Sql.update(c, "UPDATE experiments SET lifecycle_stage = ?, last_update_time = ? WHERE experiment_id = ?", stage.name(), time, id);
      if (stage == LifecycleStage.DELETED) {
        Sql.update(c, "UPDATE runs SET lifecycle_stage = ?, deleted_with_experiment = 1 WHERE experiment_id = ? AND lifecycle_stage = ?",
            LifecycleStage.DELETED.name(), id, LifecycleStage.ACTIVE.name());
      } else {
        Sql.update(c, "UPDATE runs SET lifecycle_stage = ?, deleted_with_experiment = 0 WHERE experiment_id = ? AND deleted_with_experiment = 1",
            LifecycleStage.ACTIVE.name(), id);
      }
      return null;
    });
  }

  void setTag(String id, String key, String value, long time) {
    db.transaction(c -> {
      require(c, id);
      Sql.update(c, "INSERT INTO experiment_tags (experiment_id, key, value) VALUES (?, ?, ?)"
          + " ON CONFLICT (experiment_id, key) DO UPDATE SET value = excluded.value", id, key, value);
      return Sql.update(c, "UPDATE experiments SET last_update_time = ? WHERE experiment_id = ?", time, id);
    });
  }

  private static boolean exists(Connection c, String sql, Object... args) throws SQLException {
    return Sql.first(c, sql, rs -> Boolean.TRUE, args).isPresent();
  }
}
