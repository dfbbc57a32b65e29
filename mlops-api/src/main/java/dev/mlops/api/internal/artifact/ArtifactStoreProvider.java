package dev.mlops.api.internal.artifact;

import dev.mlops.api.StorageBackend;
import dev.mlops.api.StorageException;
import dev.mlops.api.artifact.ArtifactStore;
import dev.mlops.api.internal.BuiltInStoreProvider;
import dev.mlops.api.internal.SharedByName;
import dev.mlops.api.internal.jdbc.Database;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Artifact stores of the built-in URIs, shared by every domain module: {@code mem:NAME} keeps files
 * in a temporary directory per name (shared by the backends of that name, removed when the last
 * closes), {@code file:} below {@code artifacts/} of the store directory, {@code jdbc:} in chunks in
 * PostgreSQL.
 */
public final class ArtifactStoreProvider extends BuiltInStoreProvider<ArtifactStore> {
  private static final SharedByName<Path> MEM = new SharedByName<>(name -> {
    try {
      return Files.createTempDirectory("mlops-mem-artifacts-");
    } catch (IOException e) {
      throw new StorageException("cannot create a temporary directory for mem:" + name + " artifacts: " + e.getMessage(), e);
    }
  });

  public ArtifactStoreProvider() {
    super(ArtifactStore.class);
  }

  @Override
  protected ArtifactStore mem(StorageBackend backend) {
    String name = backend.location();
    return new FileArtifactStore(MEM.acquire(name), () -> MEM.release(name));
  }

  @Override
  protected ArtifactStore sql(Database db, StorageBackend backend) {
    if (backend.scheme().equals("file")) {
      return new FileArtifactStore(Path.of(backend.location()).resolve("artifacts"), () -> false);
    }
    return new JdbcArtifactStore(db);
  }
}
