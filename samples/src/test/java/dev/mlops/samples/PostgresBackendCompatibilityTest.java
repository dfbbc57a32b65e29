package dev.mlops.samples;

import dev.mlops.api.StorageBackend;
import dev.mlops.testkit.Eventually;
import dev.mlops.testkit.Postgres;
import dev.mlops.testkit.PostgresServer;
import dev.mlops.testkit.StorageBackendCompatibilityKit;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;

/** The built-in {@code jdbc:postgresql:} backend passes the compatibility kit on a real PostgreSQL. */
@Postgres
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
    // the server ends a session's process once its client has closed the socket: a positive wait, bounded by Eventually's timeout
    Eventually.until(() -> connections(db) == 0, () -> connections(db) + " connection(s) left open to " + db);
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
