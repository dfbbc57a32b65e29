package dev.mlops.tracking.internal;

import dev.mlops.api.StorageBackend;
import dev.mlops.api.artifact.ArtifactStore;
import dev.mlops.testkit.ArtifactStoreContract;

class PostgresArtifactStoreTest extends ArtifactStoreContract {
  private StorageBackend backend;

  @Override
  protected ArtifactStore newStore() {
    backend = Backends.postgres();
    return backend.store(ArtifactStore.class);
  }

  @Override
  protected void afterStore() {
    backend.close();
  }
}
