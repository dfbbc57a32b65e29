package dev.mlops.monitoring.internal;

import dev.mlops.api.StorageBackend;
import dev.mlops.api.monitoring.MonitoringStore;
import dev.mlops.testkit.MonitoringStoreContract;

class PostgresMonitoringStoreTest extends MonitoringStoreContract {
  private StorageBackend backend;

  @Override
  protected MonitoringStore newStore() {
    backend = StorageBackend.open(dev.mlops.testkit.PostgresServer.newDatabase());
    return backend.store(MonitoringStore.class);
  }

  @Override
  protected void afterStore() {
    backend.close();
  }
}
