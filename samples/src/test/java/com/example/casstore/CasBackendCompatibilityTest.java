package com.example.casstore;

import dev.mlops.api.StorageBackend;
import dev.mlops.testkit.StorageBackendCompatibilityKit;
import java.nio.file.Files;

/**
 * The sample third-party backend passes the compatibility kit from outside the library's packages,
 * given to the builder explicitly.
 */
class CasBackendCompatibilityTest extends StorageBackendCompatibilityKit {
  @Override
  protected StorageBackend newBackend() {
    try {
      return StorageBackend.builder().uri("cas:" + Files.createTempDirectory("cas-kit-")).provider(new CasStorageProvider()).build();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
