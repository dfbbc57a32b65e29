package dev.mlops.api.internal.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import dev.mlops.api.MlopsException;
import dev.mlops.api.StorageException;
import dev.mlops.api.StorageUri;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The connection pool of a {@code jdbc:postgresql:} URI. Kept apart from {@link Database} so that
 * a class path without HikariCP and the PostgreSQL driver (an application that only uses
 * {@code mem:} and {@code file:}) never loads them.
 */
final class PostgresPool {
  private PostgresPool() {}

  static Database open(StorageUri uri) {
    Duration wait = PostgresConnections.connectionTimeout(uri);
    requireClass("org.postgresql.Driver", "org.postgresql:postgresql", uri);
    requireClass("com.zaxxer.hikari.HikariDataSource", "com.zaxxer:HikariCP", uri);
    HikariConfig cfg = new HikariConfig();
    cfg.setJdbcUrl(driverUrl(uri.uri()));
    cfg.setMaximumPoolSize(8);
    cfg.setConnectionTimeout(wait.toMillis());
    // checking a pooled connection before lending it must not outlast the wait (HikariCP allows 5 s by default)
    cfg.setValidationTimeout(Math.min(5_000, wait.toMillis()));
    cfg.setPoolName("mlops-" + Integer.toHexString(uri.uri().hashCode()));
    HikariDataSource ds;
    try {
      ds = new HikariDataSource(cfg);
    } catch (RuntimeException e) {
      Throwable root = e;
      while (root.getCause() != null && root.getCause() != root) {
        root = root.getCause();
      }
      throw new StorageException("cannot connect to PostgreSQL at " + uri.hostAndPort() + " (" + uri + "): "
          + StorageUri.mask(String.valueOf(root.getMessage())), e);
    }
    PostgresConnections connections = new PostgresConnections(ds, uri.hostAndPort(), Duration.ofMillis(ds.getConnectionTimeout()), () -> {
      HikariPoolMXBean pool = ds.getHikariPoolMXBean();
      if (pool != null) {
        pool.softEvictConnections();
      }
    });
    return Database.postgres(connections, ds);
  }

  /** The URI as the driver gets it: without the parameters this library reads itself, which the driver does not know. */
  static String driverUrl(String uri) {
    int q = uri.indexOf('?');
    if (q < 0) {
      return uri;
    }
    List<String> kept = new ArrayList<>();
    for (String part : uri.substring(q + 1).split("&")) {
      String key = URLDecoder.decode(part.split("=", 2)[0], StandardCharsets.UTF_8);
      if (!part.isEmpty() && !key.equals(PostgresConnections.CONNECTION_TIMEOUT)) {
        kept.add(part);
      }
    }
    return uri.substring(0, q) + (kept.isEmpty() ? "" : "?" + String.join("&", kept));
  }

  private static void requireClass(String name, String artifact, StorageUri uri) {
    try {
      Class.forName(name, false, PostgresPool.class.getClassLoader());
    } catch (ClassNotFoundException | LinkageError e) {
      throw new MlopsException(uri.scheme() + ":postgresql storage (" + uri + ") needs " + artifact
          + " on the class path: add it as a dependency (see the README's storage section)");
    }
  }
}
