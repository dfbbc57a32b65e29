package dev.mlops.tracking.internal;

import dev.mlops.api.StorageBackend;
import dev.mlops.api.artifact.ArtifactStore;
import dev.mlops.api.spi.StoreProvider;
import dev.mlops.api.tracking.TrackingStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** The tracking and artifact stores of the built-in schemes, registered through ServiceLoader. */
public final class TrackingStoreProviders {
  private TrackingStoreProviders() {}

  private static Path fileRoot(StorageBackend b) {
    String loc = b.location();
    int q = loc.indexOf('?');
    return Path.of(q < 0 ? loc : loc.substring(0, q));
  }

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
      if (type == ArtifactStore.class) {
        try {
          return Optional.of(type.cast(new FileArtifactStore(Files.createTempDirectory("mlops-mem-artifacts-"), true)));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
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
      if (type == ArtifactStore.class) {
        return Optional.of(type.cast(new FileArtifactStore(fileRoot(backend).resolve("artifacts"), false)));
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
      if (type == ArtifactStore.class) {
        return Optional.of(type.cast(new JdbcArtifactStore(backend.database())));
      }
      return Optional.empty();
    }
  }
}
