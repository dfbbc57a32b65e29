package dev.mlops.api.internal.artifact;

import dev.mlops.api.artifact.ArtifactStore;
import dev.mlops.api.artifact.FileStoreContainmentTest;
import java.nio.file.Path;

/**
 * The same containment on platforms without a secure directory stream (Windows): each name checked
 * just before it is used instead of opened relative to its folder.
 */
class CheckedPathsContainmentTest extends FileStoreContainmentTest {
  @Override
  protected ArtifactStore open(Path storeDir) {
    return new FileArtifactStore(storeDir.resolve("artifacts"), () -> false, false);
  }
}
