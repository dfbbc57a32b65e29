package dev.mlops.api.internal.artifact;

import dev.mlops.api.StorageBackend;
import dev.mlops.api.artifact.ArtifactStore;
import dev.mlops.api.spi.StoreProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Artifact stores of the built-in schemes, shared by every domain module, registered through ServiceLoader. */
public final class ArtifactStoreProviders {
  private ArtifactStoreProviders() {}

  /** {@code mem:}: files in a temporary directory removed on close. */
  public static final class Mem implements StoreProvider {
    @Override
    public String scheme() {
      return "mem";
    }

    @Override
    public <S> Optional<S> create(Class<S> type, StorageBackend backend) {
      if (type != ArtifactStore.class) {
        return Optional.empty();
      }
      try {
        return Optional.of(type.cast(new FileArtifactStore(Files.createTempDirectory("mlops-mem-artifacts-"), true)));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** {@code file:}: plain files below {@code artifacts/} of the store directory. */
  public static final class File implements StoreProvider {
    @Override
    public String scheme() {
      return "file";
    }

    @Override
    public <S> Optional<S> create(Class<S> type, StorageBackend backend) {
      if (type != ArtifactStore.class) {
        return Optional.empty();
      }
      String loc = backend.location();
      int q = loc.indexOf('?');
      return Optional.of(type.cast(new FileArtifactStore(Path.of(q < 0 ? loc : loc.substring(0, q)).resolve("artifacts"), false)));
    }
  }

  /** {@code jdbc:}: chunks in PostgreSQL. */
  public static final class Jdbc implements StoreProvider {
    @Override
    public String scheme() {
      return "jdbc";
    }

    @Override
    public <S> Optional<S> create(Class<S> type, StorageBackend backend) {
      return type == ArtifactStore.class ? Optional.of(type.cast(new JdbcArtifactStore(backend.database()))) : Optional.empty();
    }
  }
}
