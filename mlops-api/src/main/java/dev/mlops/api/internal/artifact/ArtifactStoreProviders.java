package dev.mlops.api.internal.artifact;

import dev.mlops.api.artifact.ArtifactStore;
import dev.mlops.api.spi.BuiltInStoreProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Artifact stores of the built-in schemes, shared by every domain module, registered through ServiceLoader. */
public final class ArtifactStoreProviders {
  private ArtifactStoreProviders() {}

  /** {@code mem:}: files in a temporary directory removed on close. */
  public static final class Mem extends BuiltInStoreProvider<ArtifactStore> {
    public Mem() {
      super("mem", ArtifactStore.class, b -> {
        try {
          return new FileArtifactStore(Files.createTempDirectory("mlops-mem-artifacts-"), true);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
  }

  /** {@code file:}: plain files below {@code artifacts/} of the store directory. */
  public static final class File extends BuiltInStoreProvider<ArtifactStore> {
    public File() {
      super("file", ArtifactStore.class, b -> {
        String loc = b.location();
        int q = loc.indexOf('?');
        return new FileArtifactStore(Path.of(q < 0 ? loc : loc.substring(0, q)).resolve("artifacts"), false);
      });
    }
  }

  /** {@code jdbc:}: chunks in PostgreSQL. */
  public static final class Jdbc extends BuiltInStoreProvider<ArtifactStore> {
    public Jdbc() {
      super("jdbc", ArtifactStore.class, b -> new JdbcArtifactStore(b.database()));
    }
  }
}
