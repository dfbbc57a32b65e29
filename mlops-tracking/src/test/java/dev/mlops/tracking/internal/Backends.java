package dev.mlops.tracking.internal;

import dev.mlops.api.StorageBackend;
import dev.mlops.testkit.PostgresServer;
import dev.mlops.testkit.TemporaryDirectories;
import java.util.UUID;

/** Fresh backends of each built-in scheme for the contract tests. */
final class Backends {
  private Backends() {}

  static StorageBackend mem() {
    return StorageBackend.open("mem:test-" + UUID.randomUUID());
  }

  static StorageBackend file() {
    return StorageBackend.open("file:" + TemporaryDirectories.create("mlops-file-store-"));
  }

  static StorageBackend postgres() {
    return StorageBackend.open(PostgresServer.newDatabase());
  }
}
