package dev.mlops.retraining;

import dev.mlops.api.StorageBackend;
import dev.mlops.api.retraining.RetrainingStore;
import dev.mlops.testkit.PostgresServer;
import dev.mlops.testkit.RetrainingStoreContract;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.io.TempDir;

/** The built-in retraining stores pass the published contract: mem, file (SQLite) and a real PostgreSQL. */
class RetrainingStoreTest {
  abstract static class OnBackend extends RetrainingStoreContract {
    private StorageBackend backend;

    abstract StorageBackend open();

    @Override
    protected RetrainingStore newStore() {
      backend = open();
      return backend.store(RetrainingStore.class);
    }

    @Override
    protected void afterStore() {
      backend.close();
    }
  }

  @Nested
  class Mem extends OnBackend {
    @Override
    StorageBackend open() {
      return StorageBackend.open("mem:store-" + UUID.randomUUID());
    }
  }

  @Nested
  class File extends OnBackend {
    @TempDir
    Path dir;

    @Override
    StorageBackend open() {
      return StorageBackend.open("file:" + dir.resolve("store"));
    }
  }

  @Nested
  @dev.mlops.testkit.Postgres
  class Postgres extends OnBackend {
    @Override
    StorageBackend open() {
      return StorageBackend.open(PostgresServer.newDatabase());
    }
  }
}
