package dev.mlops.registry;

import dev.mlops.api.StorageBackend;
import dev.mlops.api.registry.RegistryStore;
import dev.mlops.testkit.RegistryStoreContract;

class MemRegistryStoreTest extends RegistryStoreContract {
  private StorageBackend backend;

  @Override
  protected RegistryStore newStore() {
    backend = Backends.mem();
    return backend.store(RegistryStore.class);
  }

  @Override
  protected void afterStore() {
    backend.close();
  }
}
