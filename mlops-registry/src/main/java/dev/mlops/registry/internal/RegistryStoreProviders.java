package dev.mlops.registry.internal;

import dev.mlops.api.registry.RegistryStore;
import dev.mlops.api.spi.BuiltInStoreProvider;

/** Registry stores of the built-in schemes, registered through ServiceLoader. */
public final class RegistryStoreProviders {
  private RegistryStoreProviders() {}

  /** {@code mem:}. */
  public static final class Mem extends BuiltInStoreProvider<RegistryStore> {
    public Mem() {
      super("mem", RegistryStore.class, b -> MemRegistryStore.open(b.location()));
    }
  }

  /** {@code file:} (SQLite). */
  public static final class File extends BuiltInStoreProvider<RegistryStore> {
    public File() {
      super("file", RegistryStore.class, b -> new JdbcRegistryStore(b.database()));
    }
  }

  /** {@code jdbc:} (PostgreSQL). */
  public static final class Jdbc extends BuiltInStoreProvider<RegistryStore> {
    public Jdbc() {
      super("jdbc", RegistryStore.class, b -> new JdbcRegistryStore(b.database()));
    }
  }
}
