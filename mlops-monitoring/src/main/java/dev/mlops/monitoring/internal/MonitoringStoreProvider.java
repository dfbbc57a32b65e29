package dev.mlops.monitoring.internal;

import dev.mlops.api.StorageBackend;
import dev.mlops.api.internal.BuiltInStoreProvider;
import dev.mlops.api.internal.jdbc.Database;
import dev.mlops.api.monitoring.MonitoringStore;

/** The MonitoringStore of the built-in URIs (mem:, file:, jdbc:postgresql:), found through ServiceLoader. */
public final class MonitoringStoreProvider extends BuiltInStoreProvider<MonitoringStore> {
  public MonitoringStoreProvider() {
    super(MonitoringStore.class);
  }

  @Override
  protected MonitoringStore mem(StorageBackend backend) {
    return MemMonitoringStore.open(backend.location());
  }

  @Override
  protected MonitoringStore sql(Database db, StorageBackend backend) {
    return new JdbcMonitoringStore(db);
  }
}
