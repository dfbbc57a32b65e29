package dev.mlops.api.artifact;

import java.util.Optional;

/**
 * A stored artifact file or directory.
 *
 * @param path path relative to the run's artifact root, '/' separated
 * @param directory whether it is a directory
 * @param size bytes (0 for directories)
 * @param sha256 lower-case hex digest of the bytes (empty for directories)
 */
public record ArtifactInfo(String path, boolean directory, long size, String sha256) {
  /** The digest, for files. */
  public Optional<String> digest() {
    return directory ? Optional.empty() : Optional.of(sha256);
  }
}
