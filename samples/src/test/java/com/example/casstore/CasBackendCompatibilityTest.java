package com.example.casstore;

import dev.mlops.api.StorageBackend;
import dev.mlops.testkit.StorageBackendCompatibilityKit;
import dev.mlops.testkit.TemporaryDirectories;

/**
 * The sample third-party backend passes the compatibility kit from outside the library's packages,
 * given to the builder explicitly. The README shows this class as written here
 * ({@code ReadmeSnippetsTest} checks that they agree).
 */
class CasBackendCompatibilityTest extends StorageBackendCompatibilityKit {
  @Override protected StorageBackend newBackend() throws Exception {
    return StorageBackend.builder().uri("cas:" + TemporaryDirectories.create("cas-")).provider(new CasStorageProvider()).build();
  }
}
