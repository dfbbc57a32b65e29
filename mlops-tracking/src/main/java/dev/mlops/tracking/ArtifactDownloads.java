package dev.mlops.tracking;

import dev.mlops.api.InvalidArgumentException;
import dev.mlops.api.StorageException;
import dev.mlops.api.artifact.ArtifactInfo;
import dev.mlops.api.artifact.ArtifactStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Copies a run's artifact file, or every file below an artifact directory, to local files,
 * streaming the bytes; refuses to write through a symbolic link below the target unless asked to
 * follow links ({@link Tracker#downloadArtifacts(String, String, Path, boolean)}).
 */
final class ArtifactDownloads {
  private ArtifactDownloads() {}

  /** Copies {@code artifactPath} of {@code runId} to {@code target}; returns the files written. */
  static List<Path> download(ArtifactStore store, String runId, String artifactPath, Path target, boolean followLinks) {
    List<Path> written = new ArrayList<>();
    try {
      download(store, runId, artifactPath, target, target, followLinks, written);
      return written;
    } catch (IOException e) {
      throw new StorageException("cannot write " + target + ": " + e.getMessage(), e);
    }
  }

  private static void download(ArtifactStore store, String runId, String artifactPath, Path root, Path target, boolean followLinks,
      List<Path> written) throws IOException {
    List<ArtifactInfo> children = store.list(runId, artifactPath);
    if (children.isEmpty()) {
      store.info(runId, artifactPath);
      copy(store, runId, artifactPath, root, target, followLinks);
      written.add(target);
      return;
    }
    for (ArtifactInfo child : children) {
      String name = child.path().substring(child.path().lastIndexOf('/') + 1);
      if (child.directory()) {
        download(store, runId, child.path(), root, target.resolve(name), followLinks, written);
      } else {
        copy(store, runId, child.path(), root, target.resolve(name), followLinks);
        written.add(target.resolve(name));
      }
    }
  }

  private static void copy(ArtifactStore store, String runId, String path, Path root, Path target, boolean followLinks)
      throws IOException {
    if (!followLinks) {
      // every existing component from the download root down to the file must be a real folder or file
      Path rel = root.relativize(target);
      Path p = root;
      for (Path seg : rel) {
        p = p.resolve(seg);
        if (Files.isSymbolicLink(p)) {
          throw InvalidArgumentException.of("download target", p, "is a symbolic link; refusing to write through it "
              + "(pass followLinks=true to allow)");
        }
      }
    }
    if (target.getParent() != null) {
      Files.createDirectories(target.getParent());
    }
    try (InputStream in = store.open(runId, path)) {
      Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
