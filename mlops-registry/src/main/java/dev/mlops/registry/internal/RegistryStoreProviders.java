package dev.mlops.registry.internal;

import dev.mlops.api.StorageBackend;
import dev.mlops.api.registry.RegistryStore;
import dev.mlops.api.spi.StoreProvider;
import java.util.Optional;

/** Registry stores of the built-in schemes, registered through ServiceLoader. */
public final class RegistryStoreProviders {
  private RegistryStoreProviders() {}

  /** {@code mem:}. */
  public static final class Mem implements StoreProvider {
    @Override
    public String scheme() {
      return "mem";
    }

    @Override
    public <S> Optional<S> create(Class<S> type, StorageBackend backend) {
      return type == RegistryStore.class ? Optional.of(type.cast(MemRegistryStore.open(backend.location()))) : Optional.empty();
    }
  }

  /** {@code file:} (SQLite). */
  public static final class File implements StoreProvider {
    @Override
    public String scheme() {
      return "file";
    }

    @Override
    public <S> Optional<S> create(Class<S> type, StorageBackend backend) {
      return type == RegistryStore.class ? Optional.of(type.cast(new JdbcRegistryStore(backend.database()))) : Optional.empty();
    }
  }

  /** {@code jdbc:} (PostgreSQL). */
  public static final class Jdbc implements StoreProvider {
    @Override
    public String scheme() {
      return "jdbc";
    }

    @Override
    public <S> Optional<S> create(Class<S> type, StorageBackend backend) {
      return type == RegistryStore.class ? Optional.of(type.cast(new JdbcRegistryStore(backend.database()))) : Optional.empty();
    }
  }
}
