package dev.mlops.api.internal.jdbc;

import dev.mlops.api.InvalidArgumentException;
import dev.mlops.api.StorageException;
import dev.mlops.api.StorageUri;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PostgreSQL backend's connections: each unit of work borrows one from the pool (the URI's own
 * HikariCP pool or the caller's {@link DataSource}) and gives it back whatever became of it. When
 * the server goes away, this is what says so: which server, whether the call was a read or a
 * write, whether anything was written, and that the call can be retried.
 */
final class PostgresConnections {
  private static final Logger LOG = LoggerFactory.getLogger(PostgresConnections.class);
  /** The storage URI parameter that sets how long a call waits for a connection. */
  static final String CONNECTION_TIMEOUT = "connectionTimeout";
  /** The wait when the URI does not set one: long enough for a busy pool, short enough that an outage fails fast. */
  static final Duration DEFAULT_CONNECTION_TIMEOUT = Duration.ofSeconds(5);
  private static final Pattern SECONDS = Pattern.compile("\\d{1,4}(\\.\\d{1,3})?");
  private static final Pattern ENDS_WITH_PORT = Pattern.compile(".*:\\d+");

  private final DataSource dataSource;
  private final String server;
  private final @Nullable Duration wait;
  private final Runnable dropIdle;

  /**
   * @param hostAndPort the URI's {@code HOST[:PORT]}, named in messages
   * @param wait how long the pool waits for a connection, if this library configured it
   * @param dropIdle makes the pool drop the connections it holds idle, after one was found dead
   */
  PostgresConnections(DataSource dataSource, String hostAndPort, @Nullable Duration wait, Runnable dropIdle) {
    this.dataSource = dataSource;
    this.server = "PostgreSQL at " + (hostAndPort.isEmpty() ? "localhost:5432" : ENDS_WITH_PORT.matcher(hostAndPort).matches()
        ? hostAndPort : hostAndPort + ":5432");
    this.wait = wait;
    this.dropIdle = dropIdle;
  }

  /**
   * The wait a {@code jdbc:postgresql:} URI asks for with {@code connectionTimeout=SECONDS}, or the default.
   *
   * @throws InvalidArgumentException if the value is not a number of seconds from 0.25 to 3600
   */
  static Duration connectionTimeout(StorageUri uri) {
    String value = uri.parameters().get(CONNECTION_TIMEOUT);
    if (value == null) {
      return DEFAULT_CONNECTION_TIMEOUT;
    }
    String rule = "must be a number of seconds from 0.25 to 3600 (how long a call waits for a connection to PostgreSQL; default "
        + DEFAULT_CONNECTION_TIMEOUT.toSeconds() + ")";
    if (!SECONDS.matcher(value).matches()) {
      throw InvalidArgumentException.of(CONNECTION_TIMEOUT, value, rule);
    }
    double seconds = Double.parseDouble(value);
    if (seconds < 0.25 || seconds > 3600) {
      throw InvalidArgumentException.of(CONNECTION_TIMEOUT, value, rule);
    }
    return Duration.ofMillis(Math.round(seconds * 1000));
  }

  /** How long a call waits for a connection, when this library configured the pool. */
  Optional<Duration> connectionTimeout() {
    return Optional.ofNullable(wait);
  }

  /** After a connection was found dead: the others the pool holds idle were most likely cut off with it. */
  void dropIdle() {
    dropIdle.run();
  }

  /** Runs {@code work} in one transaction on a borrowed connection: read-only with a snapshot, or a write. */
  <T> T transaction(SqlWork<T> work, boolean readOnly) throws SQLException {
    Connection c = borrow(!readOnly);
    Throwable failure = null;
    try {
      return readOnly ? inReadOnlyTransaction(c, work) : inTransaction(c, work);
    } catch (Throwable t) {
      failure = t;
      throw t;
    } finally {
      giveBack(c, failure);
    }
  }

  /** Runs read-only {@code work} on a borrowed connection without an explicit transaction. */
  <T> T read(SqlWork<T> work) throws SQLException {
    Connection c = borrow(false);
    Throwable failure = null;
    try {
      return work.run(c);
    } catch (Throwable t) {
      failure = t;
      throw t;
    } finally {
      giveBack(c, failure);
    }
  }

  private Connection borrow(boolean write) throws SQLException {
    try {
      return dataSource.getConnection();
    } catch (SQLException e) {
      if (Dialect.POSTGRES.isRetryable(e)) {
        throw e;
      }
      String waited = wait == null ? "" : " within " + seconds(wait);
      throw new Unreachable("cannot connect to " + server + " for a " + (write ? "write" : "read") + waited + " (" + rootMessage(e) + "); "
          + (write ? "nothing was written, and " : "") + "the call can be retried once the database is reachable"
          + (wait == null ? "" : " (the storage URI's " + CONNECTION_TIMEOUT + " sets the wait)"), e);
    }
  }

  /**
   * The failure of a call whose connection was lost (see {@link Dialect#isConnectionLoss}):
   * during a read or before a write's commit nothing was written and the call can be retried; a
   * commit that got no answer may or may not have been written.
   */
  StorageException lost(boolean write, SQLException cause, boolean committing) {
    String lead = "the connection to " + server + " was lost ";
    if (committing) {
      return new StorageException(lead + "while a write was being committed (" + rootMessage(cause) + "); it may or may not have"
          + " been written: check before retrying the call", cause);
    }
    return new StorageException(lead + "during a " + (write ? "write" : "read") + " (" + rootMessage(cause) + "); "
        + (write ? "nothing was written, and " : "") + "the call can be retried once the database is reachable", cause);
  }

  private static <T> T inTransaction(Connection c, SqlWork<T> work) throws SQLException {
    c.setAutoCommit(false);
    T result;
    try {
      result = work.run(c);
      try {
        c.commit();
      } catch (SQLException e) {
        throw new CommitFailed(e);
      }
    } catch (Throwable t) {
      quietly(c::rollback, t);
      quietly(() -> c.setAutoCommit(true), t);
      throw t;
    }
    // committed: a connection that breaks from here on is the pool's to discard, never this call's failure
    quietly(() -> c.setAutoCommit(true), null);
    return result;
  }

  private static <T> T inReadOnlyTransaction(Connection c, SqlWork<T> work) throws SQLException {
    int isolation = c.getTransactionIsolation();
    c.setAutoCommit(false);
    c.setReadOnly(true);
    c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
    SqlStep restore = () -> {
      c.setAutoCommit(true);
      c.setReadOnly(false);
      c.setTransactionIsolation(isolation);
    };
    T result;
    try {
      result = work.run(c);
      c.commit();
    } catch (Throwable t) {
      quietly(c::rollback, t);
      quietly(restore, t);
      throw t;
    }
    quietly(restore, null);
    return result;
  }

  /** Closes (returns to its pool) a borrowed connection; a broken one must not replace the call's own outcome. */
  private static void giveBack(Connection c, @Nullable Throwable failure) {
    quietly(c::close, failure);
  }

  /** A step of putting a connection back in order. */
  @FunctionalInterface
  private interface SqlStep {
    void run() throws SQLException;
  }

  /** Runs a clean-up step whose failure is attached to the call's own {@code failure}, or only logged when the call succeeded. */
  private static void quietly(SqlStep step, @Nullable Throwable failure) {
    try {
      step.run();
    } catch (SQLException e) {
      if (failure != null) {
        failure.addSuppressed(e);
      } else {
        LOG.debug("cleaning up a connection after a committed call failed: {}", e.getMessage());
      }
    }
  }

  /** Whether {@code e} came from a commit that failed (for a lost connection: whose outcome is unknown). */
  static boolean committing(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof CommitFailed) {
        return true;
      }
    }
    return false;
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return StorageUri.mask(String.valueOf(root.getMessage() == null ? root : root.getMessage()).strip());
  }

  private static String seconds(Duration d) {
    long ms = d.toMillis();
    return ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
  }

  /** A commit that failed; keeps the SQL state, so retryable and unique-violation checks still see it. */
  private static final class CommitFailed extends SQLException {
    private static final long serialVersionUID = 1L;

    CommitFailed(SQLException e) {
      super(e.getMessage(), e.getSQLState(), e.getErrorCode(), e);
    }
  }

  /** No connection could be had: the call did not reach the database, and is not retried here (it already waited). */
  static final class Unreachable extends StorageException {
    private static final long serialVersionUID = 1L;

    Unreachable(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
