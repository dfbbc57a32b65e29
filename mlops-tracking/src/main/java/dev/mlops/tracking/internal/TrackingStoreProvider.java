package dev.mlops.tracking.internal;

import dev.mlops.api.StorageBackend;
import dev.mlops.api.internal.BuiltInStoreProvider;
import dev.mlops.api.internal.jdbc.Database;
import dev.mlops.api.tracking.TrackingStore;

/** The TrackingStore of the built-in URIs (mem:, file:, jdbc:postgresql:), found through ServiceLoader. */
public final class TrackingStoreProvider extends BuiltInStoreProvider<TrackingStore> {
  public TrackingStoreProvider() {
    super(TrackingStore.class);
  }

  @Override
  protected TrackingStore mem(StorageBackend backend) {
    return MemTrackingStore.open(backend.location());
  }

  @Override
  protected TrackingStore sql(Database db, StorageBackend backend) {
    return new JdbcTrackingStore(db);
  }
}
