package dev.mlops.tracking.internal;

import dev.mlops.api.StorageBackend;
import dev.mlops.api.spi.StoreProvider;
import dev.mlops.api.tracking.TrackingStore;
import java.util.Optional;

/** The tracking stores of the built-in schemes, registered through ServiceLoader (artifact stores come from mlops-api). */
public final class TrackingStoreProviders {
  private TrackingStoreProviders() {}

  /** {@code mem:}: in-process state; artifacts in a temporary directory removed on close. */
  public static final class Mem implements StoreProvider {
    @Override
    public String scheme() {
      return "mem";
    }

    @Override
    public <S> Optional<S> create(Class<S> type, StorageBackend backend) {
      if (type == TrackingStore.class) {
        return Optional.of(type.cast(MemTrackingStore.open(backend.location())));
      }
      return Optional.empty();
    }
  }

  /** {@code file:}: SQLite metadata in the directory, artifacts as plain files below {@code artifacts/}. */
  public static final class File implements StoreProvider {
    @Override
    public String scheme() {
      return "file";
    }

    @Override
    public <S> Optional<S> create(Class<S> type, StorageBackend backend) {
      if (type == TrackingStore.class) {
        return Optional.of(type.cast(new JdbcTrackingStore(backend.database())));
      }
      return Optional.empty();
    }
  }

  /** {@code jdbc:}: PostgreSQL for metadata and artifacts. */
  public static final class Jdbc implements StoreProvider {
    @Override
    public String scheme() {
      return "jdbc";
    }

    @Override
    public <S> Optional<S> create(Class<S> type, StorageBackend backend) {
      if (type == TrackingStore.class) {
        return Optional.of(type.cast(new JdbcTrackingStore(backend.database())));
      }
      return Optional.empty();
    }
  }
}
