package dev.mlops.monitoring.internal;

import dev.mlops.api.StorageBackend;
import dev.mlops.api.monitoring.MonitoringStore;
import dev.mlops.testkit.MonitoringStoreContract;

class FileMonitoringStoreTest extends MonitoringStoreContract {
  private StorageBackend backend;

  @Override
  protected MonitoringStore newStore() {
    try {
      backend = StorageBackend.open("file:" + java.nio.file.Files.createTempDirectory("mlops-mon-"));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return backend.store(MonitoringStore.class);
  }

  @Override
  protected void afterStore() {
    backend.close();
  }
}
