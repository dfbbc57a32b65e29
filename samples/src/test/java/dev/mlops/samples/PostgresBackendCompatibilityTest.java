package dev.mlops.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mlops.api.StorageBackend;
import dev.mlops.testkit.PostgresServer;
import dev.mlops.testkit.StorageBackendCompatibilityKit;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;

/** The built-in {@code jdbc:postgresql:} backend passes the compatibility kit on a real PostgreSQL. */
class PostgresBackendCompatibilityTest extends StorageBackendCompatibilityKit {
  @Override
  protected StorageBackend newBackend() {
    return StorageBackend.open(PostgresServer.newDatabase());
  }

  /** A closed backend leaves no connection to its database. */
  @Override
  protected void assertNoLeaks(StorageBackend closed) {
    super.assertNoLeaks(closed);
    String uri = closed.uri();
    String db = uri.substring(uri.lastIndexOf('/') + 1, uri.indexOf('?') < 0 ? uri.length() : uri.indexOf('?'));
    long deadline = System.currentTimeMillis() + 10_000;
    int open;
    do {
      open = connections(db);
    } while (open > 0 && System.currentTimeMillis() < deadline && pause());
    assertEquals(0, open, "connections left open to " + db);
  }

  private static boolean pause() {
    try {
      Thread.sleep(20);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static int connections(String db) {
    try (Connection c = PostgresServer.server().getPostgresDatabase().getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM pg_stat_activity WHERE datname = ?")) {
      ps.setString(1, db);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
