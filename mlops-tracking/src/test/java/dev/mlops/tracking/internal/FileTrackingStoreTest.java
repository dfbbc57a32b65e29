package dev.mlops.tracking.internal;

import dev.mlops.api.StorageBackend;
import dev.mlops.api.tracking.TrackingStore;
import dev.mlops.testkit.TrackingStoreContract;

class FileTrackingStoreTest extends TrackingStoreContract {
  private StorageBackend backend;

  @Override
  protected TrackingStore newStore() {
    backend = Backends.file();
    return backend.store(TrackingStore.class);
  }

  @Override
  protected void afterStore() {
    backend.close();
  }
}
