package dev.mlops.registry;

import dev.mlops.api.StorageBackend;
import dev.mlops.testkit.PostgresServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.UUID;

/** Fresh backends of each built-in scheme. */
final class Backends {
  private Backends() {}

  static StorageBackend mem() {
    return StorageBackend.open("mem:registry-" + UUID.randomUUID());
  }

  static String fileUri() {
    try {
      return "file:" + Files.createTempDirectory("mlops-registry-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static StorageBackend file() {
    return StorageBackend.open(fileUri());
  }

  static StorageBackend postgres() {
    return StorageBackend.open(PostgresServer.newDatabase());
  }
}
