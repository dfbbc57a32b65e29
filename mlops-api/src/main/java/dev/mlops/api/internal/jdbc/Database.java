package dev.mlops.api.internal.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.mlops.api.InvalidArgumentException;
import dev.mlops.api.MlopsException;
import dev.mlops.api.StorageBackend;
import dev.mlops.api.StorageException;
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
  private final DataSource dataSource;
  private final AutoCloseable owned;
  private final Connection sqlite;
  private final ReentrantLock sqliteLock = new ReentrantLock();

  private Database(Dialect dialect, DataSource dataSource, AutoCloseable owned, Connection sqlite) {
    this.dialect = dialect;
    this.dataSource = dataSource;
    this.owned = owned;
    this.sqlite = sqlite;
  }

  /** Opens the database of a {@code file:} or {@code jdbc:} backend. */
  public static Database forBackend(StorageBackend backend) {
    if (backend.scheme().equals("file")) {
      String loc = backend.location();
      boolean full = false;
      int q = loc.indexOf('?');
      if (q >= 0) {
        full = loc.substring(q + 1).contains("sync=full");
        loc = loc.substring(0, q);
      }
      return sqlite(Path.of(loc), full);
    }
    if (backend.scheme().equals("jdbc")) {
      if (backend.userDataSource().isPresent()) {
        return postgres(backend.userDataSource().get(), null);
      }
      if (!backend.uri().startsWith("jdbc:postgresql:")) {
        throw InvalidArgumentException.of("storage uri", backend.uri(), "jdbc: URIs without a DataSource must be jdbc:postgresql://...");
      }
      HikariConfig cfg = new HikariConfig();
      cfg.setJdbcUrl(backend.uri());
      cfg.setMaximumPoolSize(8);
      cfg.setPoolName("mlops-" + Integer.toHexString(backend.uri().hashCode()));
      HikariDataSource ds = new HikariDataSource(cfg);
      return postgres(ds, ds);
    }
    throw new MlopsException("scheme '" + backend.scheme() + ":' has no SQL database");
  }

  /** Opens (creating if needed) the SQLite database {@code dir/mlops.db}. */
  public static Database sqlite(Path dir, boolean fullSync) {
    try {
      Files.createDirectories(dir);
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
      Connection c = StatementCache.wrap(raw);
      return new Database(Dialect.SQLITE, null, c, c);
    } catch (SQLException | IOException e) {
      throw new StorageException("cannot open embedded store in " + dir + ": " + e.getMessage(), e);
    }
  }

  /** Wraps a PostgreSQL data source; {@code owned} is closed with this database. */
  public static Database postgres(DataSource ds, AutoCloseable owned) {
    return new Database(Dialect.POSTGRES, ds, owned, null);
  }

  /** The dialect. */
  public Dialect dialect() {
    return dialect;
  }

  /**
   * Runs {@code work} in one transaction, committing on return and rolling back on any exception,
   * retrying transient failures. Library exceptions thrown by {@code work} pass through unchanged
   * (after rollback); other SQL failures become {@link StorageException}.
   */
  public <T> T transaction(SqlWork<T> work) {
    for (int attempt = 1;; attempt++) {
      try {
        return attempt(work);
      } catch (SQLException e) {
        if (dialect.isRetryable(e) && attempt < MAX_ATTEMPTS) {
          backoff(attempt);
          continue;
        }
        throw new StorageException("database operation failed: " + e.getMessage(), e);
      }
    }
  }

  private <T> T attempt(SqlWork<T> work) throws SQLException {
    if (dialect == Dialect.SQLITE) {
      sqliteLock.lock();
      try {
        return inSqliteTransaction(work);
      } finally {
        sqliteLock.unlock();
      }
    }
    try (Connection c = dataSource.getConnection()) {
      return inTransaction(c, work);
    }
  }

  private <T> T inSqliteTransaction(SqlWork<T> work) throws SQLException {
    // Explicit BEGIN IMMEDIATE / COMMIT in autocommit mode: takes SQLite's write lock up front (no
    // lock-upgrade deadlocks between processes) and costs one round trip less than the driver's own
    // transaction handling.
    try (PreparedStatement begin = sqlite.prepareStatement("BEGIN IMMEDIATE")) {
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
    for (int attempt = 1;; attempt++) {
      try {
        if (dialect == Dialect.SQLITE) {
          sqliteLock.lock();
          try {
            return work.run(sqlite);
          } finally {
            sqliteLock.unlock();
          }
        }
        try (Connection c = dataSource.getConnection()) {
          return work.run(c);
        }
      } catch (SQLException e) {
        if (dialect.isRetryable(e) && attempt < MAX_ATTEMPTS) {
          backoff(attempt);
          continue;
        }
        throw new StorageException("database read failed: " + e.getMessage(), e);
      }
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
        latest = m.version();
        LOG.info("applied schema migration {} v{}: {}", component, m.version(), m.description());
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
      if (owned != null) {
        owned.close();
      }
    } catch (Exception e) {
      throw new StorageException("closing database failed: " + e.getMessage(), e);
    }
  }
}
