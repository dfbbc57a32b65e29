package dev.mlops.monitoring.internal;

import dev.mlops.api.StorageBackend;
import dev.mlops.api.monitoring.MonitoringStore;
import dev.mlops.testkit.MonitoringStoreContract;

class MemMonitoringStoreTest extends MonitoringStoreContract {
  private StorageBackend backend;

  @Override
  protected MonitoringStore newStore() {
    backend = StorageBackend.open("mem:mon-" + java.util.UUID.randomUUID());
    return backend.store(MonitoringStore.class);
  }

  @Override
  protected void afterStore() {
    backend.close();
  }
}
