package dev.mlops.api.internal.jdbc;

import dev.mlops.api.InvalidArgumentException;
import dev.mlops.api.NotFoundException;
import dev.mlops.api.StorageException;
import dev.mlops.api.search.Like;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.Function;
import org.sqlite.SQLiteConfig;

/**
 * A {@code file:} store's SQLite connections: one writer, whose transactions take SQLite's write
 * lock up front and which one thread of this process uses at a time, and one reader for snapshot
 * reads, which in WAL mode never wait for a writer of this process or another.
 */
final class SqliteConnections implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SqliteConnections.class);

  /** The database file in a store's directory. */
  static final String DB_FILE = "mlops.db";

  private final Path dir;
  private final boolean fullSync;
  private final Connection writer;
  private final ReentrantLock writerLock = new ReentrantLock();
  private final ReentrantLock readerLock = new ReentrantLock();
  private volatile @Nullable Connection reader;
  private volatile boolean closed;

  private SqliteConnections(Path dir, boolean fullSync, Connection writer) {
    this.dir = dir;
    this.fullSync = fullSync;
    this.writer = writer;
  }

  /** Opens (creating if needed) the SQLite database {@code dir/mlops.db}. */
  static SqliteConnections open(Path dir, boolean fullSync) {
    checkStoreDirectory(dir);
    try {
      return new SqliteConnections(dir, fullSync, connect(dir, fullSync));
    } catch (SQLException e) {
      throw new StorageException("cannot open embedded store in " + dir + ": " + e.getMessage(), e);
    }
  }

  /** Refuses a directory that holds no store, before anything creates one there. */
  static void requireStore(Path dir, String uri) {
    Path abs = dir.toAbsolutePath().normalize();
    String missing = !Files.exists(abs) ? abs + " does not exist"
        : !Files.isDirectory(abs) ? abs + " is a file, not a store's directory"
        : !Files.exists(abs.resolve(DB_FILE)) ? abs + " holds no " + DB_FILE
        : null;
    if (missing != null) {
      throw new NotFoundException("no store at " + uri + ": " + missing + "; check the path, or create the store by writing to it "
          + "(a Tracker or ModelRegistry on StorageBackend.open(\"" + uri + "\") creates it)");
    }
  }

  /**
   * Creates the embedded store's directory if absent, or says what is wrong with it and what to do,
   * before SQLite gets a chance to answer with "unable to open the database file".
   */
  static void checkStoreDirectory(Path dir) {
    String user = System.getProperty("user.name");
    if (Files.exists(dir) && !Files.isDirectory(dir)) {
      throw InvalidArgumentException.of("storage uri", "file:" + dir,
          "must name a directory for the embedded store (created if absent), but " + dir.toAbsolutePath() + " is a file");
    }
    try {
      Files.createDirectories(dir);
    } catch (java.nio.file.FileAlreadyExistsException e) {
      throw InvalidArgumentException.of("storage uri", "file:" + dir, "cannot become the embedded store's "
          + "directory: " + e.getFile() + " exists and is not a directory; choose another path");
    } catch (java.nio.file.AccessDeniedException e) {
      throw new StorageException("cannot create the embedded store's directory " + dir.toAbsolutePath() + ": permission denied on "
          + e.getFile() + " for user " + user + "; create the directory with write permission for " + user
          + " or choose another path", e);
    } catch (IOException e) {
      throw new StorageException("cannot create the embedded store's directory " + dir.toAbsolutePath() + ": " + e
          + "; choose a path this process can create", e);
    }
    Path db = dir.resolve(DB_FILE);
    if (!Files.isWritable(dir) || (Files.exists(db) && !Files.isWritable(db))) {
      Path culprit = Files.isWritable(dir) ? db : dir;
      throw new StorageException("the embedded store in " + dir.toAbsolutePath() + " is not writable: " + culprit
          + " does not grant write permission to user " + user + "; fix its permissions (the store needs to write "
          + "mlops.db and its journal there) or choose another directory");
    }
  }

  private static Connection connect(Path dir, boolean fullSync) throws SQLException {
    SQLiteConfig cfg = new SQLiteConfig();
    cfg.setJournalMode(SQLiteConfig.JournalMode.WAL);
    cfg.setSynchronous(fullSync ? SQLiteConfig.SynchronousMode.FULL : SQLiteConfig.SynchronousMode.NORMAL);
    cfg.setBusyTimeout(60_000);
    cfg.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
    cfg.enforceForeignKeys(false);
    Connection raw = cfg.createConnection("jdbc:sqlite:" + dir.resolve(DB_FILE).toAbsolutePath());
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
   * The second connection, for snapshot reads: in WAL mode a reader on its own connection never
   * waits for the writer connection's open transaction, in this process or another.
   */
  private Connection reader() throws SQLException {
    Connection r = reader;
    if (r == null) {
      r = connect(dir, fullSync);
      reader = r;
    }
    return r;
  }

  /** Runs {@code work} in one transaction: a write on the writer connection, or a snapshot read on the reader. */
  <T> T transaction(SqlWork<T> work, boolean readOnly) throws SQLException {
    ReentrantLock lock = readOnly ? readerLock : writerLock;
    lock.lock();
    try {
      if (closed) {
        throw new StorageException("embedded store " + dir + " is closed");
      }
      return inTransaction(readOnly ? reader() : writer, work, readOnly);
    } finally {
      lock.unlock();
    }
  }

  /** Whether this thread is running work on the writer connection. */
  boolean writerHeldByCurrentThread() {
    return writerLock.isHeldByCurrentThread();
  }

  /** Runs {@code work} on the writer connection in autocommit mode: each statement commits on its own. */
  <T> T autocommitted(SqlWork<T> work) throws SQLException {
    writerLock.lock();
    try {
      return work.run(writer);
    } finally {
      writerLock.unlock();
    }
  }

  private static <T> T inTransaction(Connection c, SqlWork<T> work, boolean readOnly) throws SQLException {
    // Explicit BEGIN IMMEDIATE / COMMIT in autocommit mode: takes SQLite's write lock up front (no
    // lock-upgrade deadlocks between processes) and costs one round trip less than the driver's own
    // transaction handling. A read takes no write lock (BEGIN DEFERRED): in WAL mode it sees the
    // last commit and never waits for a writer.
    try (PreparedStatement begin = c.prepareStatement(readOnly ? "BEGIN DEFERRED" : "BEGIN IMMEDIATE")) {
      begin.execute();
    }
    boolean done = false;
    try {
      T result = work.run(c);
      try (PreparedStatement commit = c.prepareStatement("COMMIT")) {
        commit.execute();
      }
      done = true;
      return result;
    } finally {
      if (!done) {
        try (Statement s = c.createStatement()) {
          s.execute("ROLLBACK");
        } catch (SQLException e) {
          LOG.debug("rollback after failure: {}", e.getMessage());
        }
      }
    }
  }

  @Override
  public void close() throws SQLException {
    readerLock.lock();
    try {
      closed = true;
      Connection r = reader;
      reader = null;
      if (r != null) {
        r.close();
      }
    } finally {
      readerLock.unlock();
    }
    writer.close();
  }
}
