package dev.mlops.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlops.api.StorageBackend;
import dev.mlops.api.StorageException;
import dev.mlops.api.internal.jdbc.Database;
import dev.mlops.api.internal.jdbc.Sql;
import dev.mlops.api.tracking.Metric;
import dev.mlops.testkit.Eventually;
import dev.mlops.testkit.Postgres;
import dev.mlops.testkit.PostgresServer;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A PostgreSQL store through an outage: sessions the server ends are replaced without the caller
 * noticing; with the server down a call fails within the configured wait, saying which server,
 * whether it was a read or a write, and that it can be retried; once the server is back the same
 * store works again.
 */
@Postgres
class PostgresOutageTest {
  @TempDir
  Path dir;

  /**
   * Builds a pool that hands out its connections without checking them first, as it does for any
   * connection used within the last half second (HikariCP's alive-bypass window): a session the
   * server ended is then certainly handed to the next call.
   */
  private static <T> T withUncheckedPool(Supplier<T> open) {
    String property = "com.zaxxer.hikari.aliveBypassWindowMs";
    String before = System.getProperty(property);
    System.setProperty(property, Long.toString(Duration.ofDays(1).toMillis()));
    try {
      return open.get();
    } finally {
      if (before == null) {
        System.clearProperty(property);
      } else {
        System.setProperty(property, before);
      }
    }
  }

  private static String databaseOf(String url) {
    return url.substring(url.lastIndexOf('/') + 1, url.indexOf('?') < 0 ? url.length() : url.indexOf('?'));
  }

  /** Ends every session of {@code db} as {@code pg_terminate_backend} does, and waits until the server has closed them. */
  private static void terminateSessions(String db) {
    List<Integer> ended = pids(db, "SELECT pid FROM pg_stat_activity WHERE datname = ?");
    assertTrue(!ended.isEmpty(), "the pool had sessions open");
    try (Connection c = PostgresServer.server().getPostgresDatabase().getConnection()) {
      for (int pid : ended) {
        Sql.first(c, "SELECT pg_terminate_backend(?)", rs -> rs.getBoolean(1), pid);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    // the pool may open new sessions meanwhile: wait for the ended ones only
    Eventually.until(() -> pids(db, "SELECT pid FROM pg_stat_activity WHERE datname = ?").stream().noneMatch(ended::contains),
        "the sessions " + ended + " of " + db + " ended");
  }

  private static List<Integer> pids(String db, String sql) {
    // the server's own database, not the store's: these sessions are the test's, never the pool's
    try (Connection c = PostgresServer.server().getPostgresDatabase().getConnection()) {
      return Sql.list(c, sql, rs -> rs.getInt(1), db);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void sessionsTheServerEndedAreReplacedAndEveryCallSucceedsOnce() {
    String url = PostgresServer.newDatabase();
    String db = databaseOf(url);
    try (StorageBackend backend = StorageBackend.open(url)) {
      withUncheckedPool(() -> Database.of(backend));
      try (Tracker tracker = Tracker.builder().storage(backend).build(); ActiveRun run = tracker.startRun("outage")) {
        run.logMetric("loss", 0.5, 0);
        terminateSessions(db);
        assertEquals(0.5, tracker.getRun(run.id()).metric("loss").orElseThrow(), "a read after the sessions ended");
        terminateSessions(db);
        run.logMetric("loss", 0.25, 1);
        terminateSessions(db);
        run.logParam("epochs", 5);
        assertEquals(List.of(0.5, 0.25), tracker.metricHistory(run.id(), "loss").stream().map(Metric::value).toList(),
            "each write stored once");
        assertEquals("5", tracker.getRun(run.id()).params().get("epochs"));
      }
    }
  }

  @Test
  void aTransactionLosingItsConnectionIsRetriedOnceAndThenSaysWhatWasLost() {
    String url = PostgresServer.newDatabase();
    try (StorageBackend backend = StorageBackend.open(url)) {
      Database db = Database.of(backend);
      db.transaction(c -> Sql.update(c, "CREATE TABLE outage_rows (n INTEGER NOT NULL)"));
      // the first attempt's session ends before its commit; the retry commits on a fresh connection
      AtomicInteger attempts = new AtomicInteger();
      db.transaction(c -> {
        Sql.update(c, "INSERT INTO outage_rows VALUES (?)", attempts.incrementAndGet());
        if (attempts.get() == 1) {
          endOwnSession(c);
        }
        return null;
      });
      assertEquals(2, attempts.get());
      assertEquals(List.of(2), rows(db), "the lost attempt wrote nothing, the retry once");

      // every attempt loses its session: one retry, then the failure says what happened
      attempts.set(0);
      StorageException lost = assertThrows(StorageException.class, () -> db.transaction(c -> {
        Sql.update(c, "INSERT INTO outage_rows VALUES (?)", 10 + attempts.incrementAndGet());
        endOwnSession(c);
        return null;
      }));
      assertEquals(2, attempts.get(), "retried once");
      String hostAndPort = backend.storageUri().hostAndPort();
      assertEquals("the connection to PostgreSQL at " + hostAndPort + " was lost during a write (FATAL: terminating connection due to"
          + " administrator command); nothing was written, and the call can be retried once the database is reachable", lost.getMessage());
      assertEquals(List.of(2), rows(db));
    }
  }

  private static void endOwnSession(Connection c) throws SQLException {
    Sql.first(c, "SELECT pg_terminate_backend(pg_backend_pid())", rs -> rs.getBoolean(1));
  }

  private static List<Integer> rows(Database db) {
    return db.read(c -> Sql.list(c, "SELECT n FROM outage_rows ORDER BY n", rs -> rs.getInt(1)));
  }

  @Test
  void withTheServerDownACallFailsWithinTheConfiguredWaitAndWorksOnceItIsBack() throws Exception {
    Path data = dir.resolve("pgdata");
    EmbeddedPostgres server = EmbeddedPostgres.builder().setDataDirectory(data).setCleanDataDirectory(false).start();
    int port = server.getPort();
    String url = server.getJdbcUrl("postgres", "postgres") + "&connectionTimeout=2";
    ExecutorService caller = Executors.newSingleThreadExecutor();
    try (StorageBackend backend = StorageBackend.open(url); Tracker tracker = Tracker.builder().storage(backend).build()) {
      assertEquals(Optional.of(Duration.ofSeconds(2)), Database.of(backend).connectionTimeout(), "the wait the pool was given");
      ActiveRun run = tracker.startRun("outage");
      run.logMetric("loss", 0.5, 0);

      server.close();
      String where = "PostgreSQL at localhost:" + port;
      StorageException read = failure(caller, () -> tracker.getRun(run.id()));
      assertTrue(read.getMessage().startsWith("cannot connect to " + where + " for a read within 2 s ("), read.getMessage());
      assertTrue(read.getMessage().endsWith("); the call can be retried once the database is reachable (the storage URI's"
          + " connectionTimeout sets the wait)"), read.getMessage());
      StorageException write = failure(caller, () -> run.logMetric("loss", 0.25, 1));
      assertTrue(write.getMessage().startsWith("cannot connect to " + where + " for a write within 2 s ("), write.getMessage());
      assertTrue(write.getMessage().contains("); nothing was written, and the call can be retried"), write.getMessage());

      server = EmbeddedPostgres.builder().setDataDirectory(data).setCleanDataDirectory(false).setPort(port).start();
      // as the message says, the call can be retried: the pool reconnects in its own time (on a busy machine its
      // first attempt after the restart may not come within the 2 s wait), and a refused call wrote nothing
      Eventually.until(() -> {
        try {
          run.logMetric("loss", 0.25, 1);
          return true;
        } catch (StorageException e) {
          assertTrue(e.getMessage().contains("the call can be retried"), e.getMessage());
          return false;
        }
      }, "a write succeeds once PostgreSQL is back");
      assertEquals(List.of(0.5, 0.25), tracker.metricHistory(run.id(), "loss").stream().map(Metric::value).toList());
      run.end(dev.mlops.api.tracking.RunStatus.FINISHED);
    } finally {
      caller.shutdownNow();
      server.close();
    }
  }

  /** The exception of a call that must fail, not hang: the bound is generous, the wait configured is 2 s. */
  private static StorageException failure(ExecutorService caller, Callable<?> call) throws Exception {
    try {
      caller.submit(call).get(2, TimeUnit.MINUTES);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof StorageException s) {
        return s;
      }
      throw e;
    }
    throw new AssertionError("the call succeeded with the server down");
  }

  @Test
  void aWriteWhoseCommitGotNoAnswerIsNotRetriedAndSaysItMayHaveBeenWritten() {
    DataSource real = PostgresServer.newDataSource();
    AtomicBoolean loseNextCommitAnswer = new AtomicBoolean();
    DataSource lossy = (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(), new Class<?>[] {DataSource.class},
        (proxy, method, args) -> {
          Object result = invoke(real, method, args);
          return result instanceof Connection c ? losingCommitAnswers(c, loseNextCommitAnswer) : result;
        });
    try (StorageBackend backend = StorageBackend.open("jdbc:postgresql://db.example:5433/mlops", lossy);
        Tracker tracker = Tracker.builder().storage(backend).build(); ActiveRun run = tracker.startRun("outage")) {
      loseNextCommitAnswer.set(true);
      StorageException e = assertThrows(StorageException.class, () -> run.logMetric("loss", 0.5, 0));
      assertEquals("the connection to PostgreSQL at db.example:5433 was lost while a write was being committed (An I/O error occurred"
          + " while sending to the backend.); it may or may not have been written: check before retrying the call", e.getMessage());
      assertEquals(List.of(0.5), tracker.metricHistory(run.id(), "loss").stream().map(Metric::value).toList(),
          "the commit went through once, and was not repeated");
    }
  }

  /** A connection whose next commit is carried out but its answer lost, as when the network fails right after the server commits. */
  private static Connection losingCommitAnswers(Connection real, AtomicBoolean loseNext) {
    return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
        (proxy, method, args) -> {
          Object result = invoke(real, method, args);
          if (method.getName().equals("commit") && loseNext.getAndSet(false)) {
            throw new SQLException("An I/O error occurred while sending to the backend.", "08006");
          }
          return result;
        });
  }

  private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  @Test
  void theDefaultWaitIsFiveSeconds() {
    try (StorageBackend backend = StorageBackend.open(PostgresServer.newDatabase())) {
      assertEquals(Optional.of(Duration.ofSeconds(5)), Database.of(backend).connectionTimeout());
    }
  }
}
