package dev.mlops.samples;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;

import dev.mlops.api.StorageBackend;
import dev.mlops.testkit.StorageBackendCompatibilityKit;
import dev.mlops.testkit.TemporaryDirectories;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;

/** The built-in {@code file:} backend (SQLite and plain files) passes the compatibility kit. */
class FileBackendCompatibilityTest extends StorageBackendCompatibilityKit {
  @Override
  protected StorageBackend newBackend() {
    return StorageBackend.open("file:" + TemporaryDirectories.create("mlops-kit-"));
  }

  /** A closed backend holds no write lock: another connection takes SQLite's write lock at once. */
  @Override
  protected void assertNoLeaks(StorageBackend closed) {
    super.assertNoLeaks(closed);
    Path db = Path.of(closed.location()).resolve("mlops.db");
    if (Files.exists(db)) {
      assertDoesNotThrow(() -> {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
          s.execute("PRAGMA busy_timeout = 1000");
          s.execute("BEGIN IMMEDIATE");
          s.execute("ROLLBACK");
        }
      }, "the embedded store's write lock was released");
    }
  }
}
