package dev.mlops.api.internal.jdbc;

import dev.mlops.api.InvalidArgumentException;
import dev.mlops.api.MlopsException;
import dev.mlops.api.StorageBackend;
import dev.mlops.api.StorageException;
import dev.mlops.api.StorageUri;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A SQL database behind a backend: SQLite in a {@code file:} store's directory, or PostgreSQL.
 * Runs work in transactions, retries transient failures (lock timeouts, serialization failures,
 * deadlocks) with backoff, and applies versioned schema migrations under a lock so that several
 * processes opening a new store at once migrate it exactly once.
 *
 * <p>SQLite ({@link SqliteConnections}): one writer connection per process, in WAL mode with
 * {@code synchronous=NORMAL}: a committed transaction survives the process being killed (it is in
 * the WAL file, which the OS keeps); {@code ?sync=full} in the URI makes commits survive power
 * loss too. Writers in other processes wait on SQLite's lock (busy timeout 60 s).
 *
 * <p>PostgreSQL: each unit of work borrows a pooled connection ({@link PostgresConnections}). A
 * call waits at most the URI's {@code connectionTimeout} (default 5 s) for one; a connection the
 * server has ended is replaced and the work retried once if its commit had not been sent, and any
 * other lost connection fails the call with a message saying which server, whether it was a read
 * or a write, whether anything was written, and that the call can be retried.
 */
public final class Database implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Database.class);
  private static final int MAX_ATTEMPTS = 20;

  private final Dialect dialect;
  private final @Nullable SqliteConnections sqlite;
  private final @Nullable PostgresConnections postgres;
  private final @Nullable AutoCloseable owned;
  /**
   * The connection of the write transaction this thread is running on this database, if any. Work
   * started inside it on the same database (a registry transaction whose gate reads the tracking
   * store, which may fold pending values) joins it rather than opening a transaction of its own:
   * SQLite's one writer connection cannot begin a transaction inside its own, and on PostgreSQL a
   * second pooled connection for every nested call could exhaust the pool.
   */
  private final ThreadLocal<Connection> enclosing = new ThreadLocal<>();

  private Database(Dialect dialect, @Nullable SqliteConnections sqlite, @Nullable PostgresConnections postgres,
      @Nullable AutoCloseable owned) {
    this.dialect = dialect;
    this.sqlite = sqlite;
    this.postgres = postgres;
    this.owned = owned;
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
        if (uri.parameters().containsKey(PostgresConnections.CONNECTION_TIMEOUT)) {
          throw InvalidArgumentException.of(PostgresConnections.CONNECTION_TIMEOUT, uri.parameters().get(PostgresConnections.CONNECTION_TIMEOUT),
              "applies to the pool a jdbc:postgresql: URI opens itself; with your own DataSource, set the wait on that pool");
        }
        return postgres(new PostgresConnections(backend.userDataSource().get(), uri.hostAndPort(), null, () -> { }), null);
      }
      return PostgresPool.open(uri);
    }
    throw new MlopsException("scheme '" + uri.scheme() + ":' has no SQL database");
  }

  /**
   * Refuses a {@code file:} URI whose directory holds no store, naming the path and how to create
   * one; creates nothing.
   *
   * @throws dev.mlops.api.NotFoundException if the directory or its {@code mlops.db} does not exist
   */
  public static void requireExistingStore(StorageUri uri) {
    SqliteConnections.requireStore(Path.of(uri.location()), uri.toString());
  }

  /** Opens (creating if needed) the SQLite database {@code dir/mlops.db}. */
  public static Database sqlite(Path dir, boolean fullSync) {
    return new Database(Dialect.SQLITE, SqliteConnections.open(dir, fullSync), null, null);
  }

  /** A PostgreSQL database over {@code connections}; {@code owned} (its pool, if this library opened it) is closed with it. */
  static Database postgres(PostgresConnections connections, @Nullable AutoCloseable owned) {
    return new Database(Dialect.POSTGRES, null, connections, owned);
  }

  /**
   * How long a call waits for a PostgreSQL connection from the pool a {@code jdbc:postgresql:} URI
   * opened (its {@code connectionTimeout}, read back from the pool); empty for SQLite and for a
   * caller's own {@link DataSource}.
   */
  public Optional<Duration> connectionTimeout() {
    return postgres == null ? Optional.empty() : postgres.connectionTimeout();
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
      return joined(outer, work, true);
    }
    return retrying(true, ignored -> attempt(work, false));
  }

  /**
   * Whether this thread is running work of this database and holds its connection: the work of a
   * write transaction (which a {@link #transaction} started now would join), or on SQLite any work
   * on the writer connection. A caller that would otherwise hand its work to another thread (which
   * could not join it, and would wait for the connection this thread holds) runs it here instead.
   */
  public boolean holdsConnection() {
    return enclosing.get() != null || (sqlite != null && sqlite.writerHeldByCurrentThread());
  }

  /**
   * Runs read-only {@code work} in one transaction that sees a consistent snapshot, without the
   * writers' locks: SQLite's deferred read transaction (WAL readers never wait for writers of
   * other processes), or PostgreSQL's REPEATABLE READ READ ONLY. Retries transient failures.
   */
  public <T> T snapshot(SqlWork<T> work) {
    Connection outer = enclosing.get();
    if (outer != null) {
      return joined(outer, work, false);
    }
    return retrying(false, ignored -> attempt(work, true));
  }

  /**
   * Runs {@code work} inside the enclosing transaction on its connection, behind a savepoint: it
   * sees what the enclosing work wrote, its own writes commit or roll back with the enclosing
   * transaction, and a failure undoes only its own writes and leaves the enclosing transaction
   * usable (PostgreSQL would otherwise refuse every later statement of it). A transient failure is
   * not retried here: it reaches the enclosing transaction, which retries as a whole.
   */
  private <T> T joined(Connection c, SqlWork<T> work, boolean write) {
    boolean done = false;
    try {
      execute(c, "SAVEPOINT mlops_joined");
      T result = work.run(c);
      execute(c, "RELEASE SAVEPOINT mlops_joined");
      done = true;
      return result;
    } catch (SQLException e) {
      throw Sql.failure(write ? "write" : "read", e);
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

  /**
   * The one retry rule of every store: transient failures (see {@link Dialect#isRetryable}) are
   * retried with backoff. On PostgreSQL a connection found dead ({@link Dialect#isConnectionLoss}:
   * a restarted server, a terminated session) before a commit was sent is retried once on a fresh
   * connection, the pool's other idle connections dropped; otherwise the failure says what was lost.
   */
  private <T> T retrying(boolean write, SqlWork<T> attempt) {
    boolean reconnected = false;
    for (int n = 1;; n++) {
      try {
        return attempt.run(null);
      } catch (SQLException | StorageException e) {
        // a store's own SQL helper wraps its SQLException in a StorageException: the cause decides
        SQLException cause = e instanceof SQLException s ? s : sqlCause(e);
        if (cause == null || e instanceof PostgresConnections.Unreachable) {
          throw (StorageException) e;
        }
        if (dialect.isRetryable(cause) && n < MAX_ATTEMPTS) {
          backoff(n);
          continue;
        }
        if (postgres != null && dialect.isConnectionLoss(cause)) {
          boolean committing = PostgresConnections.committing(e);
          if (!committing && !reconnected) {
            reconnected = true;
            postgres.dropIdle();
            continue;
          }
          throw postgres.lost(write, cause, committing);
        }
        throw e instanceof SQLException s ? Sql.failure(write ? "write" : "read", s) : (StorageException) e;
      }
    }
  }

  private static @Nullable SQLException sqlCause(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException s) {
        return s;
      }
    }
    return null;
  }

  private <T> T attempt(SqlWork<T> work, boolean readOnly) throws SQLException {
    SqlWork<T> unit = readOnly ? work : enclosed(work);
    return sqlite != null ? sqlite.transaction(unit, readOnly) : postgres.transaction(unit, readOnly);
  }

  /**
   * Runs one self-contained statement's {@code work} on an auto-committing connection (SQLite
   * wraps the statement and its triggers in an implicit transaction), retrying transient
   * failures. Cheaper than {@link #transaction} for single-statement writes on SQLite; on
   * PostgreSQL it is a {@link #transaction}, whose explicit commit tells a write that never ran
   * from one whose answer was lost.
   */
  public <T> T autocommit(SqlWork<T> work) {
    return dialect == Dialect.POSTGRES ? transaction(work) : unbracketed(work, true);
  }

  /**
   * Runs read-only {@code work} without an explicit transaction (each statement sees committed
   * data). Retries transient failures like {@link #transaction}, and on PostgreSQL a lost
   * connection once: the work must only read.
   */
  public <T> T read(SqlWork<T> work) {
    return unbracketed(work, false);
  }

  private <T> T unbracketed(SqlWork<T> work, boolean write) {
    Connection outer = enclosing.get();
    if (outer != null) {
      return joined(outer, work, write);
    }
    return retrying(write, ignored -> sqlite != null ? sqlite.autocommitted(work) : postgres.read(work));
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
      if (sqlite != null) {
        sqlite.close();
      }
      if (owned != null) {
        owned.close();
      }
    } catch (Exception e) {
      throw new StorageException("closing database failed: " + e.getMessage(), e);
    }
  }
}
