package dev.mlops.registry;

import dev.mlops.api.StorageBackend;
import dev.mlops.api.registry.RegistryStore;
import dev.mlops.testkit.RegistryStoreContract;

class PostgresRegistryStoreTest extends RegistryStoreContract {
  private StorageBackend backend;

  @Override
  protected RegistryStore newStore() {
    backend = Backends.postgres();
    return backend.store(RegistryStore.class);
  }

  @Override
  protected void afterStore() {
    backend.close();
  }
}
