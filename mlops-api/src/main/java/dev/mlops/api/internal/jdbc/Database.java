package dev.mlops.api.internal.jdbc;

import dev.mlops.api.InvalidArgumentException;
import dev.mlops.api.MlopsException;
import dev.mlops.api.StorageBackend;
import dev.mlops.api.StorageException;
import dev.mlops.api.StorageUri;
import org.jspecify.annotations.Nullable;
import dev.mlops.api.search.Like;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.Function;
import org.sqlite.SQLiteConfig;

/**
 * A SQL database behind a backend: SQLite in a {@code file:} store's directory, or PostgreSQL.
 * Runs work in transactions, retries transient failures (lock timeouts, serialization failures,
 * deadlocks) with backoff, and applies versioned schema migrations under a lock so that several
 * processes opening a new store at once migrate it exactly once.
 *
 * <p>SQLite: one connection per process, in WAL mode with {@code synchronous=NORMAL}: a committed
 * transaction survives the process being killed (it is in the WAL file, which the OS keeps);
 * {@code ?sync=full} in the URI makes commits survive power loss too. Writers in other processes
 * wait on SQLite's lock (busy timeout 60 s).
 */
public final class Database implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Database.class);
  private static final int MAX_ATTEMPTS = 20;

  private final Dialect dialect;
  private final String description;
  private final @Nullable DataSource dataSource;
  private final @Nullable AutoCloseable owned;
  private final @Nullable Connection sqlite;
  private final ReentrantLock sqliteLock = new ReentrantLock();
  private final ReentrantLock readerLock = new ReentrantLock();
  private @Nullable Path sqliteDir;
  private boolean sqliteFullSync;
  private volatile @Nullable Connection sqliteReader;
  private volatile boolean closed;
  /**
   * The connection of the write transaction this thread is running on this database, if any. Work
   * started inside it on the same database (a registry transaction whose gate reads the tracking
   * store, which may fold pending values) joins it rather than opening a transaction of its own:
   * SQLite's one writer connection cannot begin a transaction inside its own, and on PostgreSQL a
   * second pooled connection for every nested call could exhaust the pool.
   */
  private final ThreadLocal<Connection> enclosing = new ThreadLocal<>();

  private Database(Dialect dialect, @Nullable DataSource dataSource, @Nullable AutoCloseable owned, @Nullable Connection sqlite,
      String description) {
    this.description = description;
    this.dialect = dialect;
    this.dataSource = dataSource;
    this.owned = owned;
    this.sqlite = sqlite;
  }

  /** The database of a {@code file:} or {@code jdbc:} backend, opened on first use and closed with the backend. */
  public static Database of(StorageBackend backend) {
    return backend.shared(Database.class, () -> forBackend(backend));
  }

  private static Database forBackend(StorageBackend backend) {
    StorageUri uri = backend.storageUri();
    if (uri.scheme().equals("file")) {
      return sqlite(Path.of(uri.location()), "full".equals(uri.parameters().get("sync")));
    }
    if (uri.scheme().equals("jdbc")) {
      if (!uri.subProtocol().equals("postgresql")) {
        throw InvalidArgumentException.of("storage uri", uri.toString(), "database '" + uri.subProtocol()
            + "' is not supported; jdbc: serves PostgreSQL only (jdbc:postgresql://HOST/DB)");
      }
      if (backend.userDataSource().isPresent()) {
        return postgres(backend.userDataSource().get(), null, uri.toString());
      }
      return PostgresPool.open(uri);
    }
    throw new MlopsException("scheme '" + uri.scheme() + ":' has no SQL database");
  }

  /** Opens (creating if needed) the SQLite database {@code dir/mlops.db}. */
  public static Database sqlite(Path dir, boolean fullSync) {
    checkStoreDirectory(dir);
    try {
      Connection c = openSqlite(dir, fullSync);
      Database db = new Database(Dialect.SQLITE, null, c, c, "embedded store " + dir);
      db.sqliteDir = dir;
      db.sqliteFullSync = fullSync;
      return db;
    } catch (SQLException e) {
      throw new StorageException("cannot open embedded store in " + dir + ": " + e.getMessage(), e);
    }
  }

  /**
   * Creates the embedded store's directory if absent, or says what is wrong with it and what to do,
   * before SQLite gets a chance to answer with "unable to open the database file".
   */
  static void checkStoreDirectory(Path dir) {
    String user = System.getProperty("user.name");
    if (Files.exists(dir) && !Files.isDirectory(dir)) {
      throw dev.mlops.api.InvalidArgumentException.of("storage uri", "file:" + dir,
          "must name a directory for the embedded store (created if absent), but " + dir.toAbsolutePath() + " is a file");
    }
    try {
      Files.createDirectories(dir);
    } catch (java.nio.file.FileAlreadyExistsException e) {
      throw dev.mlops.api.InvalidArgumentException.of("storage uri", "file:" + dir, "cannot become the embedded store's "
          + "directory: " + e.getFile() + " exists and is not a directory; choose another path");
    } catch (java.nio.file.AccessDeniedException e) {
      throw new StorageException("cannot create the embedded store's directory " + dir.toAbsolutePath() + ": permission denied on "
          + e.getFile() + " for user " + user + "; create the directory with write permission for " + user
          + " or choose another path", e);
    } catch (IOException e) {
      throw new StorageException("cannot create the embedded store's directory " + dir.toAbsolutePath() + ": " + e
          + "; choose a path this process can create", e);
    }
    Path db = dir.resolve("mlops.db");
    if (!Files.isWritable(dir) || (Files.exists(db) && !Files.isWritable(db))) {
      Path culprit = Files.isWritable(dir) ? db : dir;
      throw new StorageException("the embedded store in " + dir.toAbsolutePath() + " is not writable: " + culprit
          + " does not grant write permission to user " + user + "; fix its permissions (the store needs to write "
          + "mlops.db and its journal there) or choose another directory");
    }
  }

  private static Connection openSqlite(Path dir, boolean fullSync) throws SQLException {
    SQLiteConfig cfg = new SQLiteConfig();
    cfg.setJournalMode(SQLiteConfig.JournalMode.WAL);
    cfg.setSynchronous(fullSync ? SQLiteConfig.SynchronousMode.FULL : SQLiteConfig.SynchronousMode.NORMAL);
    cfg.setBusyTimeout(60_000);
    cfg.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
    cfg.enforceForeignKeys(false);
    Connection raw = cfg.createConnection("jdbc:sqlite:" + dir.resolve("mlops.db").toAbsolutePath());
    Function.create(raw, "mlops_like", new Function() {
      @Override
      protected void xFunc() throws SQLException {
        String text = value_text(0);
        String pattern = value_text(1);
        result(text != null && pattern != null && Like.matches(text, pattern, value_int(2) != 0) ? 1 : 0);
      }
    }, 3, Function.FLAG_DETERMINISTIC);
    return StatementCache.wrap(raw);
  }

  /**
   * SQLite's second connection, for snapshot reads: in WAL mode a reader on its own connection
   * never waits for the writer connection's open transaction, in this process or another.
   */
  private Connection sqliteReader() throws SQLException {
    Connection r = sqliteReader;
    if (r == null) {
      r = openSqlite(sqliteDir, sqliteFullSync);
      sqliteReader = r;
    }
    return r;
  }

  /** Wraps a PostgreSQL data source; {@code owned} is closed with this database; {@code description} names it in messages. */
  public static Database postgres(DataSource ds, @Nullable AutoCloseable owned, String description) {
    return new Database(Dialect.POSTGRES, ds, owned, null, description);
  }

  /** The dialect. */
  public Dialect dialect() {
    return dialect;
  }

  /**
   * Runs {@code work} in one transaction, committing on return and rolling back on any exception,
   * retrying transient failures. Library exceptions thrown by {@code work} pass through unchanged
   * (after rollback); other SQL failures become {@link StorageException}.
   *
   * <p>Called by the work of a transaction of this database on the same thread, it joins that
   * transaction behind a savepoint instead of starting one, as do {@link #snapshot}, {@link #read}
   * and {@link #autocommit}: nested work commits or rolls back with the enclosing transaction.
   */
  public <T> T transaction(SqlWork<T> work) {
    Connection outer = enclosing.get();
    if (outer != null) {
      return joined(outer, work, "operation");
    }
    return retrying("operation", ignored -> attempt(work, false));
  }

  /**
   * Runs read-only {@code work} in one transaction that sees a consistent snapshot, without the
   * writers' locks: SQLite's deferred read transaction (WAL readers never wait for writers of
   * other processes), or PostgreSQL's REPEATABLE READ READ ONLY. Retries transient failures.
   */
  public <T> T snapshot(SqlWork<T> work) {
    Connection outer = enclosing.get();
    if (outer != null) {
      return joined(outer, work, "read");
    }
    return retrying("read", ignored -> attempt(work, true));
  }

  /**
   * Runs {@code work} inside the enclosing transaction on its connection, behind a savepoint: it
   * sees what the enclosing work wrote, its own writes commit or roll back with the enclosing
   * transaction, and a failure undoes only its own writes and leaves the enclosing transaction
   * usable (PostgreSQL would otherwise refuse every later statement of it). A transient failure is
   * not retried here: it reaches the enclosing transaction, which retries as a whole.
   */
  private <T> T joined(Connection c, SqlWork<T> work, String what) {
    boolean done = false;
    try {
      execute(c, "SAVEPOINT mlops_joined");
      T result = work.run(c);
      execute(c, "RELEASE SAVEPOINT mlops_joined");
      done = true;
      return result;
    } catch (SQLException e) {
      throw Sql.failure(what, e);
    } finally {
      if (!done) {
        try {
          execute(c, "ROLLBACK TO SAVEPOINT mlops_joined");
          execute(c, "RELEASE SAVEPOINT mlops_joined");
        } catch (SQLException e) {
          LOG.debug("rollback to savepoint after failure: {}", e.getMessage());
        }
      }
    }
  }

  private static void execute(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  /** {@code work} with this thread's {@link #enclosing} transaction set to its connection while it runs. */
  private <T> SqlWork<T> enclosed(SqlWork<T> work) {
    return c -> {
      enclosing.set(c);
      try {
        return work.run(c);
      } finally {
        enclosing.remove();
      }
    };
  }

  /** The one retry rule of every store: transient failures (see {@link Dialect#isRetryable}) are retried with backoff. */
  private <T> T retrying(String what, SqlWork<T> attempt) {
    for (int n = 1;; n++) {
      try {
        return attempt.run(null);
      } catch (SQLException e) {
        if (dialect.isRetryable(e) && n < MAX_ATTEMPTS) {
          backoff(n);
          continue;
        }
        throw Sql.failure(what, e);
      } catch (StorageException e) {
        // a store's own SQL helper wraps its SQLException; a transient one is still retried
        SQLException cause = sqlCause(e);
        if (cause != null && dialect.isRetryable(cause) && n < MAX_ATTEMPTS) {
          backoff(n);
          continue;
        }
        throw e;
      }
    }
  }

  private static SQLException sqlCause(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException s) {
        return s;
      }
    }
    return null;
  }

  private <T> T attempt(SqlWork<T> work, boolean readOnly) throws SQLException {
    if (dialect == Dialect.SQLITE) {
      ReentrantLock lock = readOnly ? readerLock : sqliteLock;
      lock.lock();
      try {
        if (closed) {
          throw new StorageException(description + " is closed");
        }
        return readOnly ? inSqliteTransaction(sqliteReader(), work, true) : inSqliteTransaction(sqlite, enclosed(work), false);
      } finally {
        lock.unlock();
      }
    }
    try (Connection c = connection()) {
      return readOnly ? inReadOnlyTransaction(c, work) : inTransaction(c, enclosed(work));
    }
  }

  private static <T> T inSqliteTransaction(Connection sqlite, SqlWork<T> work, boolean readOnly) throws SQLException {
    // Explicit BEGIN IMMEDIATE / COMMIT in autocommit mode: takes SQLite's write lock up front (no
    // lock-upgrade deadlocks between processes) and costs one round trip less than the driver's own
    // transaction handling. A read takes no write lock (BEGIN DEFERRED): in WAL mode it sees the
    // last commit and never waits for a writer.
    try (PreparedStatement begin = sqlite.prepareStatement(readOnly ? "BEGIN DEFERRED" : "BEGIN IMMEDIATE")) {
      begin.execute();
    }
    boolean done = false;
    try {
      T result = work.run(sqlite);
      try (PreparedStatement commit = sqlite.prepareStatement("COMMIT")) {
        commit.execute();
      }
      done = true;
      return result;
    } finally {
      if (!done) {
        try (Statement s = sqlite.createStatement()) {
          s.execute("ROLLBACK");
        } catch (SQLException e) {
          LOG.debug("rollback after failure: {}", e.getMessage());
        }
      }
    }
  }

  /**
   * Runs one self-contained statement's {@code work} on an auto-committing connection (SQLite
   * wraps the statement and its triggers in an implicit transaction), retrying transient
   * failures. Cheaper than {@link #transaction} for single-statement writes.
   */
  public <T> T autocommit(SqlWork<T> work) {
    return read(work);
  }

  /**
   * Runs read-only {@code work} without an explicit transaction (each statement sees committed
   * data). Retries transient failures like {@link #transaction}.
   */
  public <T> T read(SqlWork<T> work) {
    Connection outer = enclosing.get();
    if (outer != null) {
      return joined(outer, work, "read");
    }
    return retrying("read", ignored -> {
      if (dialect == Dialect.SQLITE) {
        sqliteLock.lock();
        try {
          return work.run(sqlite);
        } finally {
          sqliteLock.unlock();
        }
      }
      try (Connection c = connection()) {
        return work.run(c);
      }
    });
  }

  private Connection connection() throws SQLException {
    try {
      return dataSource.getConnection();
    } catch (SQLException e) {
      if (dialect.isRetryable(e)) {
        throw e;
      }
      throw new StorageException("cannot connect to " + description + ": " + e.getMessage(), e);
    }
  }

  private static <T> T inReadOnlyTransaction(Connection c, SqlWork<T> work) throws SQLException {
    int isolation = c.getTransactionIsolation();
    c.setAutoCommit(false);
    c.setReadOnly(true);
    c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
    try {
      T result = work.run(c);
      c.commit();
      return result;
    } catch (SQLException | RuntimeException e) {
      try {
        c.rollback();
      } catch (SQLException r) {
        e.addSuppressed(r);
      }
      throw e;
    } finally {
      c.setAutoCommit(true);
      c.setReadOnly(false);
      c.setTransactionIsolation(isolation);
    }
  }

  private static <T> T inTransaction(Connection c, SqlWork<T> work) throws SQLException {
    c.setAutoCommit(false);
    boolean done = false;
    try {
      T result = work.run(c);
      c.commit();
      done = true;
      return result;
    } finally {
      if (!done) {
        try {
          c.rollback();
        } catch (SQLException e) {
          LOG.warn("rollback failed", e);
        }
      }
      c.setAutoCommit(true);
    }
  }

  private static void backoff(int attempt) {
    try {
      Thread.sleep(Math.min(200, (1L << Math.min(attempt, 7)) + ThreadLocalRandom.current().nextInt(5)));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StorageException("interrupted while retrying a database operation", e);
    }
  }

  /**
   * Applies the migrations of {@code component} newer than the stored version, in one transaction
   * under a lock, and records the new version. Idempotent; safe when several processes open a new
   * store at once.
   */
  public void migrate(String component, List<Migration> migrations) {
    transaction(c -> {
      try (Statement s = c.createStatement()) {
        if (dialect == Dialect.POSTGRES) {
          s.execute("SELECT pg_advisory_xact_lock(7193021)");
        }
        s.execute("CREATE TABLE IF NOT EXISTS mlops_schema (component TEXT PRIMARY KEY, version INTEGER NOT NULL, applied_at BIGINT NOT NULL)");
      }
      int current = 0;
      try (PreparedStatement ps = c.prepareStatement("SELECT version FROM mlops_schema WHERE component = ?")) {
        ps.setString(1, component);
        try (ResultSet rs = ps.executeQuery()) {
          if (rs.next()) {
            current = rs.getInt(1);
          }
        }
      }
      int known = migrations.isEmpty() ? 0 : migrations.get(migrations.size() - 1).version();
      if (current > known) {
        // a newer release changed the store's format (e.g. how metric points are packed): reading it here could misread data
        throw new StorageException("the store's " + component + " schema is at version " + current + ", newer than this release's "
            + known + "; open it with the release that wrote it or a later one");
      }
      int latest = current;
      for (Migration m : migrations) {
        if (m.version() <= current) {
          continue;
        }
        if (m.version() != latest + 1) {
          throw new StorageException("migration " + component + " v" + m.version() + " does not follow v" + latest);
        }
        try (Statement s = c.createStatement()) {
          for (String sql : m.statements()) {
            String only = sql.startsWith("sqlite:") ? "sqlite:" : sql.startsWith("postgres:") ? "postgres:" : "";
            if (only.isEmpty() || only.equals(dialect == Dialect.SQLITE ? "sqlite:" : "postgres:")) {
              s.execute(dialect.ddl(sql.substring(only.length())));
            }
          }
        }
        if (m.code() != null) {
          m.code().apply(c, dialect);
        }
        latest = m.version();
        LOG.debug("applied schema migration {} v{}: {}", component, m.version(), m.description());
      }
      if (latest != current) {
        try (PreparedStatement ps = c.prepareStatement(current == 0
            ? "INSERT INTO mlops_schema (version, applied_at, component) VALUES (?, ?, ?)"
            : "UPDATE mlops_schema SET version = ?, applied_at = ? WHERE component = ?")) {
          ps.setInt(1, latest);
          ps.setLong(2, System.currentTimeMillis());
          ps.setString(3, component);
          ps.executeUpdate();
        }
      }
      return null;
    });
  }

  @Override
  public void close() {
    try {
      readerLock.lock();
      try {
        closed = true;
        Connection r = sqliteReader;
        sqliteReader = null;
        if (r != null) {
          r.close();
        }
      } finally {
        readerLock.unlock();
      }
      if (owned != null) {
        owned.close();
      }
    } catch (Exception e) {
      throw new StorageException("closing database failed: " + e.getMessage(), e);
    }
  }
}
