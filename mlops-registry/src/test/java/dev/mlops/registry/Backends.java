package dev.mlops.registry;

import dev.mlops.api.StorageBackend;
import dev.mlops.testkit.PostgresServer;
import dev.mlops.testkit.TemporaryDirectories;
import java.util.UUID;

/** Fresh backends of each built-in scheme. */
final class Backends {
  private Backends() {}

  static StorageBackend mem() {
    return StorageBackend.open("mem:registry-" + UUID.randomUUID());
  }

  static String fileUri() {
    return "file:" + TemporaryDirectories.create("mlops-registry-");
  }

  static StorageBackend file() {
    return StorageBackend.open(fileUri());
  }

  static StorageBackend postgres() {
    return StorageBackend.open(PostgresServer.newDatabase());
  }
}
