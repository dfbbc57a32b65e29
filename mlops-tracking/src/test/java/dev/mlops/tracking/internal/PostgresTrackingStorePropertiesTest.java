package dev.mlops.tracking.internal;

import dev.mlops.api.StorageBackend;
import dev.mlops.api.tracking.TrackingStore;
import dev.mlops.testkit.Postgres;
import dev.mlops.testkit.TrackingStoreProperties;

@Postgres
class PostgresTrackingStorePropertiesTest extends TrackingStoreProperties {
  private StorageBackend backend;

  @Override
  protected TrackingStore newStore() {
    backend = Backends.postgres();
    return backend.store(TrackingStore.class);
  }

  @Override
  protected void afterStore() {
    backend.close();
  }
}
