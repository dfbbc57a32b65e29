package dev.mlops.api.internal.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.mlops.api.MlopsException;
import dev.mlops.api.StorageException;
import dev.mlops.api.StorageUri;

/**
 * The connection pool of a {@code jdbc:postgresql:} URI. Kept apart from {@link Database} so that
 * a class path without HikariCP and the PostgreSQL driver (an application that only uses
 * {@code mem:} and {@code file:}) never loads them.
 */
final class PostgresPool {
  private PostgresPool() {}

  static Database open(StorageUri uri) {
    requireClass("org.postgresql.Driver", "org.postgresql:postgresql", uri);
    requireClass("com.zaxxer.hikari.HikariDataSource", "com.zaxxer:HikariCP", uri);
    HikariConfig cfg = new HikariConfig();
    cfg.setJdbcUrl(uri.uri());
    cfg.setMaximumPoolSize(8);
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
    return Database.postgres(ds, ds, "PostgreSQL at " + uri.hostAndPort());
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
