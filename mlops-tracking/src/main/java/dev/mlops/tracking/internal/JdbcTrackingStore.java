package dev.mlops.tracking.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.mlops.api.AlreadyExistsException;
import dev.mlops.api.InvalidArgumentException;
import dev.mlops.api.NotFoundException;
import dev.mlops.api.Page;
import dev.mlops.api.internal.jdbc.Database;
import dev.mlops.api.internal.jdbc.Dialect;
import dev.mlops.api.internal.jdbc.PostgresLiterals;
import dev.mlops.api.internal.jdbc.PostgresStatements;
import dev.mlops.api.internal.jdbc.Sql;
import dev.mlops.api.search.Expr;
import dev.mlops.api.search.OrderBy;
import dev.mlops.api.spi.SortKey;
import dev.mlops.api.tracking.Dataset;
import dev.mlops.api.tracking.DatasetInput;
import dev.mlops.api.tracking.Experiment;
import dev.mlops.api.tracking.LifecycleStage;
import dev.mlops.api.tracking.Metric;
import dev.mlops.api.tracking.Run;
import dev.mlops.api.tracking.RunInfo;
import dev.mlops.api.tracking.RunStatus;
import dev.mlops.api.tracking.TrackingStore;
import dev.mlops.api.tracking.ViewType;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The tracking store over SQL: SQLite for {@code file:} stores, PostgreSQL for {@code jdbc:}. One
 * implementation serves both; the few dialect differences are in {@link Dialect} and
 * {@link SqlSearch}.
 *
 * <p>Metric history is kept in chunks ({@link MetricChunks}): each {@code logBatch} writes one row
 * per metric key holding the packed points ({@link MetricPoints}: about 10 bytes a point), so a
 * batch of a million points is a handful of rows. The latest point of every key is kept in
 * {@code latest_metrics}, indexed, for search and ordering; on SQLite it is brought up to date when
 * it is read or every {@value PendingLatest#FOLD_EVERY} chunks written ({@link PendingLatest}). NaN
 * is stored as a flag, so it and both infinities round-trip exactly.
 *
 * <p>Thread-safe. On SQLite, whose one writer connection runs one transaction at a time,
 * {@code logBatch} calls that arrive while another write runs are joined: the batches that queued
 * are written in one transaction with one commit by one of their callers ({@link GroupCommit},
 * {@link SqlBatches}), and each call still returns only once its own batch is committed, or throws
 * the exception it would get alone. PostgreSQL runs each call's transaction on its own pooled
 * connection.
 */
public final class JdbcTrackingStore implements TrackingStore {
  /** A run's columns as search results and run reads start: ten fields, then the run key. */
  static final String RUN_COLUMNS =
      "r.run_id, r.experiment_id, r.run_name, r.status, r.user_id, r.start_time, r.end_time, r.lifecycle_stage, r.artifact_uri, r.parent_run_id,"
          + " r.run_key";
  /** Index of the first ORDER BY column in a search result row. */
  private static final int FIRST_ORDER_COLUMN = 12;

  /** A run's surrogate key (child tables refer to it: integer joins are several times cheaper than text ones) and stage. */
  record RunRef(long key, LifecycleStage stage) {}

  private final Database db;
  private final Dialect dialect;
  private final PendingLatest pending;
  private final SqlExperiments experiments;
  private final SqlBatches batches;
  /** Run id to surrogate key; both are fixed when the run is created and runs are never removed. */
  private final Cache<String, Long> runKeys = Caffeine.newBuilder().maximumSize(10_000).build();

  /** Opens the store, applying schema migrations. */
  public JdbcTrackingStore(Database db) {
    this.db = db;
    this.dialect = db.dialect();
    this.pending = new PendingLatest(db);
    this.experiments = new SqlExperiments(db);
    this.batches = new SqlBatches(db, pending, new SqlBatches.Runs() {
      @Override
      public RunRef require(Connection c, String runId) throws SQLException {
        return requireRun(c, runId);
      }

      @Override
      public Long cachedKey(String runId) {
        return runKeys.getIfPresent(runId);
      }
    });
    db.migrate("tracking", TrackingSchema.MIGRATIONS);
  }

  @Override
  public Experiment createExperiment(Experiment e) {
    return experiments.create(e);
  }

  @Override
  public Optional<Experiment> getExperiment(String id) {
    return experiments.byId(id);
  }

  @Override
  public Optional<Experiment> getExperimentByName(String name) {
    return experiments.byName(name);
  }

  @Override
  public List<Experiment> listExperiments(ViewType view) {
    return experiments.list(view);
  }

  @Override
  public void renameExperiment(String id, String newName, long time) {
    experiments.rename(id, newName, time);
  }

  @Override
  public void setExperimentLifecycle(String id, LifecycleStage stage, long time) {
    experiments.setLifecycle(id, stage, time);
  }

  @Override
  public void setExperimentTag(String id, String key, String value, long time) {
    experiments.setTag(id, key, value, time);
  }

  @Override
  public void createRun(RunInfo i, Map<String, String> tags, Map<String, String> params) {
    db.transaction(c -> {
      SqlExperiments.require(c, i.experimentId());
      if (exists(c, "SELECT 1 FROM runs WHERE run_id = ?", i.runId())) {
        throw new AlreadyExistsException("run '" + i.runId() + "' already exists");
      }
      update(c, "INSERT INTO runs (run_id, experiment_id, run_name, status, user_id, start_time, end_time, lifecycle_stage,"
          + " artifact_uri, parent_run_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", i.runId(), i.experimentId(), i.runName(),
          i.status().name(), i.user(), i.startTime(), i.endTime() < 0 ? null : i.endTime(), i.lifecycleStage().name(),
          i.artifactUri(), i.parentRunId());
      long key = requireRun(c, i.runId()).key();
      SqlBatches.writeKeyValues(c, "tags", key, tags, true);
      SqlBatches.writeKeyValues(c, "params", key, params, false);
      return null;
    });
  }

  @Override
  public Optional<Run> getRun(String runId) {
    pending.beforeRead();
    return db.read(c -> {
      List<Long> keys = new ArrayList<>();
      List<RunInfo> infos = runInfos(c, "SELECT " + RUN_COLUMNS + " FROM runs r WHERE r.run_id = ?", List.of(runId), keys);
      if (infos.isEmpty()) {
        return Optional.empty();
      }
      return Optional.of(RunData.load(c, dialect, infos, keys).get(0));
    });
  }

  private static List<RunInfo> runInfos(Connection c, String sql, List<Object> args, List<Long> keys) throws SQLException {
    List<RunInfo> out = new ArrayList<>();
    try (PreparedStatement ps = prepare(c, sql, args.toArray()); ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(readRunInfo(rs));
        keys.add(rs.getLong(11));
      }
    }
    return out;
  }

  /** A run's fields from the first ten columns of {@link #RUN_COLUMNS}. */
  private static RunInfo readRunInfo(ResultSet rs) throws SQLException {
    long end = rs.getLong(7);
    if (rs.wasNull()) {
      end = -1;
    }
    return new RunInfo(rs.getString(1), rs.getString(2), rs.getString(3), RunStatus.valueOf(rs.getString(4)), rs.getString(5),
        rs.getLong(6), end, LifecycleStage.valueOf(rs.getString(8)), rs.getString(9), rs.getString(10));
  }

  private RunRef requireRun(Connection c, String runId) throws SQLException {
    try (PreparedStatement ps = prepare(c, "SELECT run_key, lifecycle_stage FROM runs WHERE run_id = ?", runId); ResultSet rs = ps.executeQuery()) {
      if (!rs.next()) {
        throw new NotFoundException("run '" + runId + "' does not exist");
      }
      runKeys.put(runId, rs.getLong(1));
      return new RunRef(rs.getLong(1), LifecycleStage.valueOf(rs.getString(2)));
    }
  }

  @Override
  public void updateRun(String runId, RunStatus status, long endTime, String runName) {
    db.transaction(c -> {
      requireRun(c, runId);
      pending.foldIn(c);
      if (runName == null) {
        return update(c, "UPDATE runs SET status = ?, end_time = ? WHERE run_id = ?", status.name(), endTime < 0 ? null : endTime, runId);
      }
      return update(c, "UPDATE runs SET status = ?, end_time = ?, run_name = ? WHERE run_id = ?", status.name(),
          endTime < 0 ? null : endTime, runName, runId);
    });
  }

  @Override
  public void setRunLifecycle(String runId, LifecycleStage stage) {
    db.transaction(c -> {
      requireRun(c, runId);
      return update(c, "UPDATE runs SET lifecycle_stage = ?, deleted_with_experiment = 0 WHERE run_id = ?", stage.name(), runId);
    });
  }

  /**
   * {@inheritDoc}
   *
   * <p>On a {@code file:} store concurrent calls are committed together ({@link SqlBatches}): each
   * returns once the transaction holding its batch has committed, and a refused batch fails alone.
   */
  @Override
  public void logBatch(String runId, List<Metric> metrics, Map<String, String> params, Map<String, String> tags) {
    batches.log(new SqlBatches.Batch(runId, metrics, params, tags));
  }

  /** The combiner of concurrent {@code logBatch} calls, for tests. */
  GroupCommit<SqlBatches.Batch> batchGroups() {
    return batches.groups();
  }

  @Override
  public void deleteTag(String runId, String key) {
    db.transaction(c -> {
      long runKey = requireRun(c, runId).key();
      if (update(c, "DELETE FROM tags WHERE run_key = ? AND key = ?", runKey, key) == 0) {
        throw new NotFoundException("tag '" + key + "' of run '" + runId + "' does not exist");
      }
      return null;
    });
  }

  @Override
  public void logInputs(String runId, List<DatasetInput> inputs) {
    db.transaction(c -> {
      long runKey = requireRun(c, runId).key();
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO inputs (run_key, name, digest, context, source_uri, schema_text, row_count)"
          + " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (run_key, name, digest, context) DO NOTHING")) {
        for (DatasetInput in : inputs) {
          Dataset d = in.dataset();
          bind(ps, runKey, d.name(), d.digest(), in.context(), d.sourceUri(), d.schema(), d.rowCount());
          ps.addBatch();
        }
        ps.executeBatch();
      }
      return null;
    });
  }

  @Override
  public Page<Metric> getMetricHistory(String runId, String key, int maxResults, String pageToken) {
    long[] pos = HistoryToken.decodeChunk(pageToken);
    return db.read(c -> {
      long runKey = requireRun(c, runId).key();
      return MetricChunks.page(c, runKey, key, maxResults, pos);
    });
  }

  @Override
  public Page<Run> searchRuns(List<String> experimentIds, Expr filter, List<OrderBy> orderBy, ViewType view, int maxResults,
      String pageToken) {
    if (maxResults <= 0) {
      throw InvalidArgumentException.of("maxResults", maxResults, "must be positive");
    }
    String fp = SortKey.fingerprint(experimentIds, filter, orderBy, view);
    SortKey after = pageToken == null ? null : SortKey.fromToken(pageToken, fp, orderBy.size());
    List<SearchQueries.SearchSql> segments = new SearchQueries(dialect).queries(experimentIds, filter, orderBy, view, after);
    pending.beforeRead();
    return db.read(c -> {
      List<RunInfo> infos = new ArrayList<>();
      List<Long> runKeys = new ArrayList<>();
      List<SortKey> keys = new ArrayList<>();
      for (SearchQueries.SearchSql segment : segments) {
        if (infos.size() > maxResults) {
          break;
        }
        // each query reads at most what the page still needs, and one more to know if there is a next page
        String sql = segment.sql() + " LIMIT " + (maxResults + 1 - infos.size());
        try (PreparedStatement ps = searchStatement(c, sql, segment.args()); ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          infos.add(readRunInfo(rs));
          runKeys.add(rs.getLong(11));
          int[] ranks = new int[orderBy.size()];
          Object[] values = new Object[orderBy.size()];
          for (int i = 0; i < orderBy.size(); i++) {
            ranks[i] = rs.getInt(FIRST_ORDER_COLUMN + 2 * i);
            if (ranks[i] == SortKey.PRESENT) {
              values[i] = orderBy.get(i).key().numeric() ? (Object) rs.getDouble(FIRST_ORDER_COLUMN + 1 + 2 * i)
                  : rs.getString(FIRST_ORDER_COLUMN + 1 + 2 * i);
            }
          }
          keys.add(new SortKey(ranks, values, rs.getString(1)));
        }
        }
      }
      String next = null;
      if (infos.size() > maxResults) {
        infos = infos.subList(0, maxResults);
        runKeys = runKeys.subList(0, maxResults);
        next = keys.get(maxResults - 1).toToken(fp);
      }
      return new Page<>(RunData.load(c, dialect, infos, runKeys), Optional.ofNullable(next));
    });
  }

  /**
   * A search's statement. On PostgreSQL its values are written into the SQL as literals
   * ({@link PostgresLiterals}): the server plans it with them, and a search repeated on a
   * connection reuses that plan instead of planning again (bound values would leave the choice
   * between planning every call and a generic plan that reads every run: measured 59 ms against 2.4 ms).
   */
  private PreparedStatement searchStatement(Connection c, String sql, List<Object> args) throws SQLException {
    if (dialect == Dialect.POSTGRES) {
      String literal = PostgresLiterals.inline(sql, args);
      if (literal != null) {
        return c.prepareStatement(literal);
      }
      PreparedStatement ps = prepare(c, sql, args.toArray());
      PostgresStatements.planWithValues(ps);
      return ps;
    }
    return prepare(c, sql, args.toArray());
  }

  /**
   * The database's plan for the first query of a search's first page, one line per step (SQLite's
   * EXPLAIN QUERY PLAN, PostgreSQL's EXPLAIN).
   */
  List<String> explainSearch(List<String> experimentIds, Expr filter, List<OrderBy> orderBy, ViewType view, int maxResults) {
    SearchQueries.SearchSql search = new SearchQueries(dialect).queries(experimentIds, filter, orderBy, view, null).get(0);
    String explain = (dialect == Dialect.POSTGRES ? "EXPLAIN " : "EXPLAIN QUERY PLAN ") + search.sql() + " LIMIT " + (maxResults + 1);
    return db.read(c -> {
      List<String> lines = new ArrayList<>();
      try (PreparedStatement ps = searchStatement(c, explain, search.args()); ResultSet rs = ps.executeQuery()) {
        int col = rs.getMetaData().getColumnCount();
        while (rs.next()) {
          lines.add(rs.getString(col));
        }
      }
      return lines;
    });
  }

  private static boolean exists(Connection c, String sql, Object... args) throws SQLException {
    try (PreparedStatement ps = prepare(c, sql, args); ResultSet rs = ps.executeQuery()) {
      return rs.next();
    }
  }

  private static int update(Connection c, String sql, Object... args) throws SQLException {
    try (PreparedStatement ps = prepare(c, sql, args)) {
      return ps.executeUpdate();
    }
  }

  private static PreparedStatement prepare(Connection c, String sql, Object... args) throws SQLException {
    return Sql.prepare(c, sql, args);
  }

  private static void bind(PreparedStatement ps, Object... args) throws SQLException {
    Sql.bind(ps, args);
  }

  @Override
  public void close() {
    // the database belongs to the backend, which closes it
  }

}
