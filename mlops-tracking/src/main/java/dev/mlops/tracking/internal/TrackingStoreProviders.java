package dev.mlops.tracking.internal;

import dev.mlops.api.tracking.TrackingStore;
import dev.mlops.api.spi.BuiltInStoreProvider;

/** Tracking stores (artifact stores come from mlops-api) of the built-in schemes, registered through ServiceLoader. */
public final class TrackingStoreProviders {
  private TrackingStoreProviders() {}

  /** {@code mem:}. */
  public static final class Mem extends BuiltInStoreProvider<TrackingStore> {
    public Mem() {
      super("mem", TrackingStore.class, b -> MemTrackingStore.open(b.location()));
    }
  }

  /** {@code file:} (SQLite). */
  public static final class File extends BuiltInStoreProvider<TrackingStore> {
    public File() {
      super("file", TrackingStore.class, b -> new JdbcTrackingStore(b.database()));
    }
  }

  /** {@code jdbc:} (PostgreSQL). */
  public static final class Jdbc extends BuiltInStoreProvider<TrackingStore> {
    public Jdbc() {
      super("jdbc", TrackingStore.class, b -> new JdbcTrackingStore(b.database()));
    }
  }
}
