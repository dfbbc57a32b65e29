package dev.mlops.mlflow;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mlops.api.StorageException;
import dev.mlops.api.tracking.DatasetInput;
import dev.mlops.api.tracking.Experiment;
import dev.mlops.api.tracking.LifecycleStage;
import dev.mlops.api.tracking.Metric;
import dev.mlops.api.tracking.RunInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import org.sqlite.SQLiteConfig;

/**
 * The database of MLflow's SQLAlchemy tracking and registry stores ({@code dbmodels/models.py}),
 * SQLite or PostgreSQL, opened read-only. Tables and columns that older schema versions lack
 * (datasets and inputs before 2.4, aliases before 2.3, experiment times before 2.2) read as empty.
 * A metric with {@code is_nan} reads as NaN; MLflow stores the infinities as the largest finite
 * doubles, and they read back as MLflow's own server returns them. A key's history is in the
 * order the database returns it to MLflow's {@code get_metric_history} (insertion order).
 */
final class SqlMlflowSource implements MlflowSource {
  private final Connection db;
  private final String description;
  private final boolean sqlite;
  private final Map<String, Set<String>> columns = new LinkedHashMap<>();
  private final @Nullable Path artifactRoot;

  private SqlMlflowSource(Connection db, String description, boolean sqlite, @Nullable Path artifactRoot) {
    this.db = db;
    this.description = description;
    this.sqlite = sqlite;
    this.artifactRoot = artifactRoot;
  }

  static SqlMlflowSource sqlite(Path file, @Nullable Path artifactRoot) {
    SQLiteConfig config = new SQLiteConfig();
    config.setReadOnly(true);
    try {
      String url = "jdbc:sqlite:" + file.toAbsolutePath();
      return new SqlMlflowSource(config.createConnection(url), "sqlite:" + file.toAbsolutePath(), true, artifactRoot);
    } catch (SQLException e) {
      throw new StorageException("cannot open the MLflow database " + file + ": " + e.getMessage(), e);
    }
  }

  static SqlMlflowSource postgres(String jdbcUrl, @Nullable Path artifactRoot) {
    try {
      Connection c = DriverManager.getConnection(jdbcUrl);
      c.setReadOnly(true);
      return new SqlMlflowSource(c, MlflowSource.mask(jdbcUrl), false, artifactRoot);
    } catch (SQLException e) {
      throw new StorageException("cannot open the MLflow database " + MlflowSource.mask(jdbcUrl) + ": " + e.getMessage(), e);
    }
  }

  @Override
  public String describe() {
    return description;
  }

  @Override
  public List<Experiment> experiments() {
    Set<String> cols = columns("experiments");
    String times = cols.contains("creation_time") ? ", creation_time, last_update_time" : "";
    List<Experiment> out = new ArrayList<>();
    query("SELECT experiment_id, name, artifact_location, lifecycle_stage" + times + " FROM experiments ORDER BY experiment_id", List.of(), r -> {
      String id = r.getString(1);
      long created = times.isEmpty() ? 0 : r.getLong(5);
      long updated = times.isEmpty() ? 0 : r.getLong(6);
      out.add(new Experiment(id, r.getString(2), orEmpty(r.getString(3)), stage(r.getString(4)), created, updated,
          keyValues("experiment_tags", "experiment_id", Long.parseLong(id))));
    });
    return out;
  }

  @Override
  public List<SourceRun> runs(String experimentId) {
    List<SourceRun> out = new ArrayList<>();
    query("SELECT run_uuid, name, user_id, status, start_time, end_time, lifecycle_stage, artifact_uri FROM runs WHERE experiment_id = ?"
        + " ORDER BY start_time, run_uuid", List.of(Long.parseLong(experimentId)), r -> {
          String id = r.getString(1);
          Map<String, String> tags = keyValues("tags", "run_uuid", id);
          String name = r.getString(2);
          long end = r.getLong(6);
          end = r.wasNull() ? -1 : end;
          RunInfo info = new RunInfo(id, experimentId, name == null || name.isEmpty() ? tags.getOrDefault(RunRoutes.RUN_NAME_TAG, "") : name,
              MlflowSource.status(r.getString(4)), orEmpty(r.getString(3)), r.getLong(5), end, stage(r.getString(7)), orEmpty(r.getString(8)),
              tags.getOrDefault(RunRoutes.PARENT_TAG, ""));
          out.add(new SourceRun(info, keyValues("params", "run_uuid", id), tags));
        });
    return out;
  }

  @Override
  public List<Metric> metrics(SourceRun run) {
    Set<String> cols = columns("metrics");
    String step = cols.contains("step") ? "step" : "0";
    String nan = cols.contains("is_nan") ? "is_nan" : "0";
    List<Metric> out = new ArrayList<>();
    query("SELECT key, value, timestamp, " + step + ", " + nan + " FROM metrics WHERE run_uuid = ? ORDER BY key, " + (sqlite ? "rowid" : "ctid"),
        List.of(run.id()), r -> out.add(new Metric(r.getString(1), r.getBoolean(5) ? Double.NaN : r.getDouble(2), r.getLong(3), r.getLong(4))));
    return out;
  }

  @Override
  public List<DatasetInput> inputs(SourceRun run) {
    if (columns("inputs").isEmpty() || columns("datasets").isEmpty()) {
      return List.of();
    }
    List<Message> messages = new ArrayList<>();
    query("SELECT i.input_uuid, d.name, d.digest, d.dataset_source_type, d.dataset_source, d.dataset_schema, d.dataset_profile"
        + " FROM inputs i JOIN datasets d ON d.dataset_uuid = i.source_id"
        + " WHERE i.source_type = 'DATASET' AND i.destination_type = 'RUN' AND i.destination_id = ? ORDER BY i.input_uuid", List.of(run.id()), r -> {
          ObjectNode msg = Wire.object();
          ObjectNode d = msg.putObject("dataset").put("name", r.getString(2)).put("digest", r.getString(3)).put("source_type", r.getString(4))
              .put("source", r.getString(5)).put("schema", r.getString(6)).put("profile", r.getString(7));
          ArrayNode tags = msg.putArray("tags");
          keyValues("input_tags", "name", "input_uuid", r.getString(1)).forEach((k, v) -> tags.addObject().put("key", k).put("value", v));
          messages.add(Message.of(msg));
        });
    return Datasets.parse(messages);
  }

  @Override
  public Optional<Path> artifactDir(SourceRun run) {
    Optional<Path> local = MlflowSource.localPath(run.info().artifactUri()).filter(Files::isDirectory);
    if (local.isEmpty() && artifactRoot != null) {
      return Optional.of(artifactRoot.resolve(run.info().experimentId()).resolve(run.id()).resolve("artifacts")).filter(Files::isDirectory);
    }
    return local;
  }

  @Override
  public List<SourceModel> models() {
    if (columns("registered_models").isEmpty()) {
      return List.of();
    }
    boolean aliases = !columns("registered_model_aliases").isEmpty();
    boolean storage = columns("model_versions").contains("storage_location");
    List<SourceModel> out = new ArrayList<>();
    query("SELECT name, description, creation_time, last_updated_time FROM registered_models ORDER BY name", List.of(), r -> {
      String name = r.getString(1);
      List<SourceVersion> versions = new ArrayList<>();
      query("SELECT version, source, run_id, current_stage, description" + (storage ? ", storage_location" : "")
          + " FROM model_versions WHERE name = ? ORDER BY version", List.of(name), v -> {
            String stage = orEmpty(v.getString(4));
            if (!stage.equalsIgnoreCase("Deleted_Internal")) {
              Map<String, String> tags = new TreeMap<>();
              query("SELECT key, value FROM model_version_tags WHERE name = ? AND version = ?", List.of(name, v.getInt(1)),
                  t -> tags.put(t.getString(1), orEmpty(t.getString(2))));
              versions.add(new SourceVersion(v.getInt(1), orEmpty(v.getString(2)), orEmpty(v.getString(3)), stage.isEmpty() ? "None" : stage,
                  orEmpty(v.getString(5)), tags, storage ? orEmpty(v.getString(6)) : ""));
            }
          });
      Map<String, Integer> aliasMap = new TreeMap<>();
      if (aliases) {
        query("SELECT alias, version FROM registered_model_aliases WHERE name = ?", List.of(name), a -> aliasMap.put(a.getString(1), a.getInt(2)));
      }
      out.add(new SourceModel(name, orEmpty(r.getString(2)), r.getLong(3), r.getLong(4), keyValues("registered_model_tags", "name", name),
          aliasMap, versions));
    });
    return out;
  }

  @Override
  public void close() {
    try {
      db.close();
    } catch (SQLException e) {
      throw new StorageException("cannot close the MLflow database " + description + ": " + e.getMessage(), e);
    }
  }

  // ---------------------------------------------------------------- JDBC

  private interface Row {
    void accept(ResultSet r) throws SQLException;
  }

  private void query(String sql, List<Object> args, Row row) {
    try (PreparedStatement st = db.prepareStatement(sql)) {
      for (int i = 0; i < args.size(); i++) {
        st.setObject(i + 1, args.get(i));
      }
      try (ResultSet r = st.executeQuery()) {
        while (r.next()) {
          row.accept(r);
        }
      }
    } catch (SQLException e) {
      throw new StorageException("cannot read the MLflow database " + description + " (" + sql + "): " + e.getMessage(), e);
    }
  }

  /** A key-value table's rows for one owner, by key; an absent table reads as empty. */
  private Map<String, String> keyValues(String table, String ownerColumn, Object owner) {
    return keyValues(table, "key", ownerColumn, owner);
  }

  private Map<String, String> keyValues(String table, String keyColumn, String ownerColumn, Object owner) {
    Map<String, String> out = new TreeMap<>();
    if (!columns(table).isEmpty()) {
      query("SELECT " + keyColumn + ", value FROM " + table + " WHERE " + ownerColumn + " = ?", List.of(owner),
          r -> out.put(r.getString(1), orEmpty(r.getString(2))));
    }
    return out;
  }

  /** A table's column names, lower case; empty when the schema version has no such table. */
  private Set<String> columns(String table) {
    return columns.computeIfAbsent(table, t -> {
      Set<String> out = new HashSet<>();
      try (ResultSet r = db.getMetaData().getTables(null, null, t, null)) {
        if (!r.next()) {
          return out;
        }
      } catch (SQLException e) {
        throw new StorageException("cannot read the MLflow database " + description + ": " + e.getMessage(), e);
      }
      try (PreparedStatement st = db.prepareStatement("SELECT * FROM " + t + " WHERE 1 = 0"); ResultSet r = st.executeQuery()) {
        ResultSetMetaData md = r.getMetaData();
        for (int i = 1; i <= md.getColumnCount(); i++) {
          out.add(md.getColumnName(i).toLowerCase(Locale.ROOT));
        }
      } catch (SQLException e) {
        throw new StorageException("cannot read the MLflow database " + description + ": " + e.getMessage(), e);
      }
      return out;
    });
  }

  private static LifecycleStage stage(@Nullable String s) {
    return "deleted".equalsIgnoreCase(s) ? LifecycleStage.DELETED : LifecycleStage.ACTIVE;
  }

  private static String orEmpty(@Nullable String s) {
    return s == null ? "" : s;
  }
}
