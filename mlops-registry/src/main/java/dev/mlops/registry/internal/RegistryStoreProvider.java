package dev.mlops.registry.internal;

import dev.mlops.api.StorageBackend;
import dev.mlops.api.internal.BuiltInStoreProvider;
import dev.mlops.api.internal.jdbc.Database;
import dev.mlops.api.registry.RegistryStore;

/** The RegistryStore of the built-in URIs (mem:, file:, jdbc:postgresql:), found through ServiceLoader. */
public final class RegistryStoreProvider extends BuiltInStoreProvider<RegistryStore> {
  public RegistryStoreProvider() {
    super(RegistryStore.class);
  }

  @Override
  protected RegistryStore mem(StorageBackend backend) {
    return MemRegistryStore.open(backend.location());
  }

  @Override
  protected RegistryStore sql(Database db, StorageBackend backend) {
    return new JdbcRegistryStore(db);
  }
}
