package dev.mlops.monitoring.internal;

import dev.mlops.api.StorageBackend;
import dev.mlops.api.monitoring.MonitoringStore;
import dev.mlops.api.spi.StoreProvider;
import java.util.Optional;

/** Monitoring stores of the built-in schemes, registered through ServiceLoader. */
public final class MonitoringStoreProviders {
  private MonitoringStoreProviders() {}

  /** {@code mem:}. */
  public static final class Mem implements StoreProvider {
    @Override
    public String scheme() {
      return "mem";
    }

    @Override
    public <S> Optional<S> create(Class<S> type, StorageBackend backend) {
      return type == MonitoringStore.class ? Optional.of(type.cast(MemMonitoringStore.open(backend.location()))) : Optional.empty();
    }
  }

  /** {@code file:}. */
  public static final class File implements StoreProvider {
    @Override
    public String scheme() {
      return "file";
    }

    @Override
    public <S> Optional<S> create(Class<S> type, StorageBackend backend) {
      return type == MonitoringStore.class ? Optional.of(type.cast(new JdbcMonitoringStore(backend.database()))) : Optional.empty();
    }
  }

  /** {@code jdbc:}. */
  public static final class Jdbc implements StoreProvider {
    @Override
    public String scheme() {
      return "jdbc";
    }

    @Override
    public <S> Optional<S> create(Class<S> type, StorageBackend backend) {
      return type == MonitoringStore.class ? Optional.of(type.cast(new JdbcMonitoringStore(backend.database()))) : Optional.empty();
    }
  }
}
