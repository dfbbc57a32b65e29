package dev.mlops.monitoring.internal;

import dev.mlops.api.monitoring.MonitoringStore;
import dev.mlops.api.spi.BuiltInStoreProvider;

/** Monitoring stores of the built-in schemes, registered through ServiceLoader. */
public final class MonitoringStoreProviders {
  private MonitoringStoreProviders() {}

  /** {@code mem:}. */
  public static final class Mem extends BuiltInStoreProvider<MonitoringStore> {
    public Mem() {
      super("mem", MonitoringStore.class, b -> MemMonitoringStore.open(b.location()));
    }
  }

  /** {@code file:} (SQLite). */
  public static final class File extends BuiltInStoreProvider<MonitoringStore> {
    public File() {
      super("file", MonitoringStore.class, b -> new JdbcMonitoringStore(b.database()));
    }
  }

  /** {@code jdbc:} (PostgreSQL). */
  public static final class Jdbc extends BuiltInStoreProvider<MonitoringStore> {
    public Jdbc() {
      super("jdbc", MonitoringStore.class, b -> new JdbcMonitoringStore(b.database()));
    }
  }
}
