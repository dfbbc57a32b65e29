package dev.mlops.benchmarks;

import dev.mlops.api.StorageBackend;
import dev.mlops.api.search.Expr;
import dev.mlops.api.search.FilterParser;
import dev.mlops.api.search.OrderBy;
import dev.mlops.api.tracking.Experiment;
import dev.mlops.api.tracking.LifecycleStage;
import dev.mlops.api.tracking.Metric;
import dev.mlops.api.tracking.Run;
import dev.mlops.api.tracking.RunInfo;
import dev.mlops.api.tracking.RunStatus;
import dev.mlops.api.tracking.TrackingStore;
import dev.mlops.api.tracking.ViewType;
import dev.mlops.testkit.PostgresServer;
import dev.mlops.tracking.ActiveRun;
import dev.mlops.tracking.Tracker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Tracking throughput and latency. Run with
 * {@code java -jar benchmarks/target/benchmarks.jar TrackingBenchmarks}.
 */
@Fork(1)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 5)
public class TrackingBenchmarks {

  /** A temporary directory, removed (with everything in it) when the JVM exits: benchmark stores grow to gigabytes. */
  static Path tempDir(String prefix) {
    try {
      Path dir = Files.createTempDirectory(prefix);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir)));
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void deleteTree(Path dir) {
    try (java.util.stream.Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort at exit
    }
  }

  /** A raw SQLite connection with the store's settings: WAL, synchronous=NORMAL, immediate transactions, 60 s busy timeout. */
  static java.sql.Connection openSqlite(Path file) throws java.sql.SQLException {
    org.sqlite.SQLiteConfig cfg = new org.sqlite.SQLiteConfig();
    cfg.setJournalMode(org.sqlite.SQLiteConfig.JournalMode.WAL);
    cfg.setSynchronous(org.sqlite.SQLiteConfig.SynchronousMode.NORMAL);
    cfg.setBusyTimeout(60_000);
    cfg.setTransactionMode(org.sqlite.SQLiteConfig.TransactionMode.IMMEDIATE);
    return cfg.createConnection("jdbc:sqlite:" + file);
  }

  /** State of the synchronous benchmark: one run in a fresh file: store. */
  @State(Scope.Benchmark)
  public static class SyncState {
    Tracker tracker;
    ActiveRun run;
    long step;

    @Setup(Level.Trial)
    public void setup() {
      tracker = Tracker.builder().storage("file:" + tempDir("bench-sync-")).build();
      run = tracker.startRun("bench");
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      run.close();
      tracker.close();
    }
  }

  /** One synchronous logMetric into file:; it returns once the point is committed to SQLite's WAL. */
  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public void syncLogMetricFile(SyncState s) {
    s.run.logMetric("loss", 0.5, s.step++);
  }

  /**
   * Baseline for {@link #syncLogMetricFile}: one prepared INSERT of a point (run, key, value,
   * time, step) into a SQLite table, committed on its own, with the store's connection settings
   * (WAL, synchronous=NORMAL, immediate transactions, 60 s busy timeout).
   */
  @State(Scope.Benchmark)
  public static class SqliteState {
    Path dir;
    java.sql.Connection connection;
    java.sql.PreparedStatement insert;
    long step;

    @Setup(Level.Trial)
    public void setup() throws java.sql.SQLException {
      dir = tempDir("bench-sqlite-");
      connection = openSqlite(dir.resolve("baseline.db"));
      try (java.sql.Statement st = connection.createStatement()) {
        st.execute("CREATE TABLE points (run_key INTEGER NOT NULL, key TEXT NOT NULL, value REAL NOT NULL, ts INTEGER NOT NULL,"
            + " step INTEGER NOT NULL)");
      }
      insert = connection.prepareStatement("INSERT INTO points (run_key, key, value, ts, step) VALUES (?, ?, ?, ?, ?)");
    }

    @TearDown(Level.Trial)
    public void tearDown() throws java.sql.SQLException {
      insert.close();
      connection.close();
      deleteTree(dir);
    }
  }

  /** The floor under a synchronous logMetric: one autocommitted prepared INSERT in the same SQLite setup. */
  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public int sqliteInsertBaseline(SqliteState s) throws java.sql.SQLException {
    s.insert.setLong(1, 1);
    s.insert.setString(2, "loss");
    s.insert.setDouble(3, 0.5);
    s.insert.setLong(4, System.currentTimeMillis());
    s.insert.setLong(5, s.step++);
    return s.insert.executeUpdate();
  }

  /**
   * The store's own tables written by hand: a {@code file:} store with one active run, then a raw
   * connection with {@link SqliteState}'s settings executing the store's statement for one point
   * (the chunk row, whose trigger marks its key pending until the latest value is folded). What
   * {@link #syncLogMetricFile} costs above this is the library; what this costs above
   * {@link #sqliteInsertBaseline} is the schema.
   */
  @State(Scope.Benchmark)
  public static class SameSchemaState {
    Path dir;
    java.sql.Connection connection;
    java.sql.PreparedStatement insert;
    long step;

    @Setup(Level.Trial)
    public void setup() throws java.sql.SQLException {
      dir = tempDir("bench-schema-");
      try (Tracker t = Tracker.builder().storage("file:" + dir).build()) {
        t.startRun("bench");
      }
      connection = openSqlite(dir.resolve("mlops.db"));
      insert = connection.prepareStatement("INSERT OR IGNORE INTO metric_chunks (run_key, key, point_count, points, last_value,"
          + " last_is_nan, last_ts, last_step, chunk_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?,"
          + " CASE WHEN EXISTS (SELECT 1 FROM runs WHERE run_key = ?1 AND lifecycle_stage = 'ACTIVE')"
          + " THEN (SELECT COALESCE(MAX(chunk_id), 0) + 1 FROM metric_chunks WHERE run_key = ?1 AND key = ?2) END)");
    }

    @TearDown(Level.Trial)
    public void tearDown() throws java.sql.SQLException {
      insert.close();
      connection.close();
      deleteTree(dir);
    }
  }

  /** Second baseline for {@link #syncLogMetricFile}: the store's own INSERT on its own tables, by hand (see {@link SameSchemaState}). */
  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public int sameSchemaInsertBaseline(SameSchemaState s) throws java.sql.SQLException {
    long step = s.step++;
    long now = System.currentTimeMillis();
    java.nio.ByteBuffer point = java.nio.ByteBuffer.allocate(24).putLong(step).putLong(now).putLong(Double.doubleToRawLongBits(0.5));
    s.insert.setLong(1, 1);
    s.insert.setString(2, "loss");
    s.insert.setInt(3, 1);
    s.insert.setBytes(4, point.array());
    s.insert.setDouble(5, 0.5);
    s.insert.setInt(6, 0);
    s.insert.setLong(7, now);
    s.insert.setLong(8, step);
    return s.insert.executeUpdate();
  }

  /** State of the asynchronous benchmark: a bounded queue of 200,000 points, flushed after each iteration. */
  @State(Scope.Benchmark)
  public static class AsyncState {
    Tracker tracker;
    ActiveRun run;
    long step;

    @Setup(Level.Trial)
    public void setup() {
      tracker = Tracker.builder().storage("file:" + tempDir("bench-async-")).asyncLogging(200_000).build();
      run = tracker.startRun("bench");
    }

    @TearDown(Level.Iteration)
    public void flush() {
      tracker.flush();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      run.close();
      tracker.close();
    }
  }

  /** Asynchronous logging into file:, 1,000 points per invocation; the bounded queue makes the rate a sustained one. */
  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  @OperationsPerInvocation(1000)
  public void asyncLogMetricFile(AsyncState s) {
    for (int i = 0; i < 1000; i++) {
      s.run.logMetric("loss", i * 0.001, s.step++);
    }
  }

  /**
   * The floor under asynchronous logging: the same points bulk-inserted into a SQLite table in one
   * transaction per 1,000 (one prepared INSERT executed as a JDBC batch), same connection settings
   * as {@link SqliteState}.
   */
  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  @OperationsPerInvocation(1000)
  public int[] sqliteBulkInsertBaseline(SqliteState s) throws java.sql.SQLException {
    s.connection.setAutoCommit(false);
    long now = System.currentTimeMillis();
    for (int i = 0; i < 1000; i++) {
      s.insert.setLong(1, 1);
      s.insert.setString(2, "loss");
      s.insert.setDouble(3, i * 0.001);
      s.insert.setLong(4, now);
      s.insert.setLong(5, s.step++);
      s.insert.addBatch();
    }
    int[] counts = s.insert.executeBatch();
    s.connection.commit();
    s.connection.setAutoCommit(true);
    return counts;
  }

  /** State of the PostgreSQL batch benchmark: embedded server, one run. */
  @State(Scope.Benchmark)
  public static class PostgresBatchState {
    StorageBackend backend;
    Tracker tracker;
    ActiveRun run;
    long step;

    @Setup(Level.Trial)
    public void setup() {
      backend = StorageBackend.open(PostgresServer.newDatabase());
      tracker = Tracker.builder().storage(backend).build();
      run = tracker.startRun("bench");
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      run.close();
      tracker.close();
      backend.close();
    }
  }

  /** Batched logging into PostgreSQL: one logBatch of 1,000 points per call. */
  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  @OperationsPerInvocation(1000)
  public void batchedLogPostgres(PostgresBatchState s) {
    List<Metric> points = new ArrayList<>(1000);
    long now = System.currentTimeMillis();
    for (int i = 0; i < 1000; i++) {
      points.add(new Metric("loss", i * 0.001, now, s.step++));
    }
    s.tracker.store().logBatch(s.run.id(), points, Map.of(), Map.of());
  }

  /**
   * Experiment {@code e1} with {@code runs} finished runs, each with metrics {@code acc} and
   * {@code loss}, params {@code model} (one of four) and {@code seed}, and a tag {@code team}.
   */
  static void fillRuns(TrackingStore store, int runs) {
    store.createExperiment(new Experiment("e1", "search", "runs:/", LifecycleStage.ACTIVE, 1, 1, Map.of()));
    String[] models = {"sgd", "cart", "xgb", "svm"};
    // several writers at once: PostgreSQL takes them in parallel, SQLite serialises them
    java.util.stream.IntStream.range(0, runs).parallel().forEach(i -> {
      Random r = new Random(i);
      String id = String.format("%032x", i + 1L);
      store.createRun(new RunInfo(id, "e1", "run-" + i, RunStatus.FINISHED, "bench", 1_000_000L + i, 2_000_000L + i,
          LifecycleStage.ACTIVE, "runs:/" + id, ""), Map.of("team", "t" + (i % 7)), Map.of("model", models[r.nextInt(4)], "seed",
          Integer.toString(i)));
      store.logBatch(id, List.of(new Metric("acc", r.nextDouble(), 1, 0), new Metric("loss", r.nextDouble(), 1, 0)), Map.of(), Map.of());
    });
  }

  /** State of the search benchmark: 100,000 runs, each with two metrics and two params. */
  @State(Scope.Benchmark)
  public static class SearchState {
    @Param({"file", "postgres"})
    public String backendKind;

    @Param({"100000"})
    public int runs;

    StorageBackend backend;
    TrackingStore store;
    Expr filter;
    List<OrderBy> order;
    List<OrderBy> newest;

    @Setup(Level.Trial)
    public void setup() {
      backend = StorageBackend.open(backendKind.equals("file") ? "file:" + tempDir("bench-search-") : PostgresServer.newDatabase());
      store = backend.store(TrackingStore.class);
      fillRuns(store, runs);
      if (backendKind.equals("postgres")) {
        // the planner statistics and visibility map autovacuum keeps in a running database (it would gather
        // them within its one-minute nap)
        dev.mlops.api.internal.jdbc.Database.of(backend).read(c -> {
          try (java.sql.Statement st = c.createStatement()) {
            st.execute("VACUUM ANALYZE");
          }
          return null;
        });
      }
      filter = FilterParser.parse("metrics.acc > 0.5 AND params.model = 'sgd'");
      order = OrderBy.parseAll(List.of("metrics.acc DESC"));
      newest = OrderBy.parseAll(List.of("start_time DESC"));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      backend.close();
    }
  }

  /** A filtered, ordered search returning the first 100 of about 12,500 matches among 100,000 runs. */
  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  @Warmup(iterations = 2, time = 2)
  @Measurement(iterations = 3, time = 3)
  public List<Run> search100Of100k(SearchState s) {
    return s.store.searchRuns(List.of("e1"), s.filter, s.order, ViewType.ACTIVE_ONLY, 100, null).items();
  }

  /** The same search's runs as read by one hand-written query over the store's own tables and indexes. */
  static final String HAND_WRITTEN_SEARCH = "SELECT r.run_id, r.experiment_id, r.run_name, r.status, r.user_id, r.start_time,"
      + " r.end_time, r.lifecycle_stage, r.artifact_uri, r.parent_run_id, m.value FROM latest_metrics m"
      + " JOIN runs r ON r.run_key = m.run_key JOIN params p ON p.run_key = m.run_key AND p.key = 'model'"
      + " WHERE m.key = 'acc' AND m.is_nan = 0 AND m.value > 0.5 AND p.value = 'sgd' AND r.experiment_id = 'e1'"
      + " AND r.lifecycle_stage = 'ACTIVE' ORDER BY m.value DESC, r.run_id LIMIT 100";

  /** One row of {@link #HAND_WRITTEN_SEARCH}, every column read. */
  static String handWrittenRow(java.sql.ResultSet rs) throws java.sql.SQLException {
    return rs.getString(1) + rs.getString(2) + rs.getString(3) + rs.getString(4) + rs.getString(5) + rs.getLong(6) + rs.getLong(7)
        + rs.getString(8) + rs.getString(9) + rs.getString(10) + rs.getDouble(11);
  }

  /**
   * The floor under {@link #search100Of100k}: its 100 runs read by one hand-written indexed query
   * through the store's own connections (the search also reads each run's params, metrics and tags).
   */
  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  @Warmup(iterations = 2, time = 2)
  @Measurement(iterations = 3, time = 3)
  public List<String> handWrittenQueryBaseline(SearchState s) {
    return dev.mlops.api.internal.jdbc.Database.of(s.backend).read(c -> {
      List<String> out = new ArrayList<>(100);
      readHandWrittenPage(c, HAND_WRITTEN_SEARCH, out, null);
      return out;
    });
  }

  /** Runs a hand-written page query, adding each row to {@code out} and, if {@code keys} is given, its run key (column 12). */
  static void readHandWrittenPage(java.sql.Connection c, String sql, List<String> out, List<Long> keys) throws java.sql.SQLException {
    try (java.sql.PreparedStatement ps = c.prepareStatement(sql); java.sql.ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(handWrittenRow(rs));
        if (keys != null) {
          keys.add(rs.getLong(12));
        }
      }
    }
  }

  /**
   * A second floor under {@link #search100Of100k}, for what it returns: the hand-written query's 100
   * runs, then each run's params, tags, latest metrics and inputs by hand-written reads of each
   * table (primary-key lookups of the page's run keys), as a search returns whole runs.
   */
  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  @Warmup(iterations = 2, time = 2)
  @Measurement(iterations = 3, time = 3)
  public List<String> handWrittenWholeRunsBaseline(SearchState s) {
    return dev.mlops.api.internal.jdbc.Database.of(s.backend).read(c -> {
      List<String> out = new ArrayList<>(600);
      List<Long> keys = new ArrayList<>(100);
      readHandWrittenPage(c, HAND_WRITTEN_SEARCH.replace(", m.value FROM", ", m.value, r.run_key FROM"), out, keys);
      // each table read along its primary key, only its own columns; on PostgreSQL the four reads in one round
      // trip with the page's keys as one array (its kept plan probes the primary keys; a list of bound keys may not)
      String[] reads = HAND_WRITTEN_DATA_READS;
      if (s.backendKind.equals("postgres")) {
        java.sql.Array a = c.createArrayOf("bigint", keys.toArray());
        try (java.sql.PreparedStatement ps = c.prepareStatement(HAND_WRITTEN_DATA_POSTGRES)) {
          for (int t = 1; t <= reads.length; t++) {
            ps.setArray(t, a);
          }
          ps.execute();
          for (int t = 0; t < reads.length; t++) {
            if (t > 0) {
              ps.getMoreResults();
            }
            try (java.sql.ResultSet rs = ps.getResultSet()) {
              readHandWrittenData(rs, t, out);
            }
          }
        }
      } else {
        for (int t = 0; t < reads.length; t++) {
          try (java.sql.PreparedStatement ps = c.prepareStatement(reads[t] + " WHERE run_key IN (?" + ", ?".repeat(keys.size() - 1) + ")")) {
            for (int i = 0; i < keys.size(); i++) {
              ps.setLong(i + 1, keys.get(i));
            }
            try (java.sql.ResultSet rs = ps.executeQuery()) {
              readHandWrittenData(rs, t, out);
            }
          }
        }
      }
      return out;
    });
  }

  /** The whole-runs floor's reads of the page's data, one per table, each only its own columns. */
  static final String[] HAND_WRITTEN_DATA_READS = {"SELECT key, value FROM params", "SELECT key, value FROM tags",
      "SELECT key, value, is_nan, ts, step FROM latest_metrics", "SELECT name, digest, row_count, context, source_uri, schema_text FROM inputs"};
  /** PostgreSQL: the four reads as one statement, each with the page's keys as one array. */
  static final String HAND_WRITTEN_DATA_POSTGRES = String.join(" WHERE run_key = ANY(?); ", HAND_WRITTEN_DATA_READS) + " WHERE run_key = ANY(?)";

  /** Adds each row of the page-data read of table {@code table} (0 params, 1 tags, 2 latest metrics, 3 inputs) to {@code out}. */
  static void readHandWrittenData(java.sql.ResultSet rs, int table, List<String> out) throws java.sql.SQLException {
    while (rs.next()) {
      out.add(switch (table) {
        case 0, 1 -> rs.getString(1) + rs.getString(2);
        case 2 -> rs.getString(1) + rs.getDouble(2) + rs.getInt(3) + rs.getLong(4) + rs.getLong(5);
        default -> rs.getString(1) + rs.getString(2) + rs.getLong(3) + rs.getString(4) + rs.getString(5) + rs.getString(6);
      });
    }
  }

  /** The best 100 of 100,000 runs by one metric, no filter (a leaderboard). */
  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  @Warmup(iterations = 2, time = 2)
  @Measurement(iterations = 3, time = 3)
  public List<Run> searchBest100Of100k(SearchState s) {
    return s.store.searchRuns(List.of("e1"), FilterParser.parse(""), s.order, ViewType.ACTIVE_ONLY, 100, null).items();
  }

  /** The runs table's default page: the newest 100 of 100,000 runs, no filter. */
  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  @Warmup(iterations = 2, time = 2)
  @Measurement(iterations = 3, time = 3)
  public List<Run> searchNewest100Of100k(SearchState s) {
    return s.store.searchRuns(List.of("e1"), FilterParser.parse(""), s.newest, ViewType.ACTIVE_ONLY, 100, null).items();
  }
}
