package dev.mlops.tracking.internal;

import dev.mlops.api.StorageBackend;
import dev.mlops.testkit.PostgresServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.UUID;

/** Fresh backends of each built-in scheme for the contract tests. */
final class Backends {
  private Backends() {}

  static StorageBackend mem() {
    return StorageBackend.open("mem:test-" + UUID.randomUUID());
  }

  static StorageBackend file() {
    try {
      return StorageBackend.open("file:" + Files.createTempDirectory("mlops-file-store-"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static StorageBackend postgres() {
    return StorageBackend.open(PostgresServer.newDatabase());
  }
}
