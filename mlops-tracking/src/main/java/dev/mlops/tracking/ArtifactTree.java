package dev.mlops.tracking;

import dev.mlops.api.InvalidArgumentException;
import dev.mlops.api.StorageException;
import dev.mlops.api.artifact.ArtifactPaths;
import java.io.IOException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.EnumSet;
import java.util.Map;
import java.util.TreeMap;

/** Checks a local directory tree completely before any of it is uploaded, and plans the upload. */
final class ArtifactTree {
  private ArtifactTree() {}

  /**
   * Artifact path to local file for every regular file below {@code dir}, sorted by artifact path.
   *
   * @throws InvalidArgumentException for a symbolic link loop, a dangling link, a link resolving
   *     outside {@code dir}, or a name that is not a valid artifact path (the message names the file)
   */
  static Map<String, Path> plan(Path dir, String prefix) {
    Map<String, Path> plan = new TreeMap<>();
    Path realRoot;
    try {
      realRoot = dir.toRealPath();
    } catch (IOException e) {
      throw InvalidArgumentException.of("artifact directory", dir, "cannot be resolved: " + e.getMessage());
    }
    try {
      Files.walkFileTree(dir, EnumSet.of(FileVisitOption.FOLLOW_LINKS), Integer.MAX_VALUE, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) throws IOException {
          inside(d);
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
          if (Files.isSymbolicLink(file) && !Files.exists(file)) {
            throw InvalidArgumentException.of("artifact file", file, "is a dangling symbolic link");
          }
          inside(file);
          if (attrs.isRegularFile()) {
            String rel = dir.relativize(file).toString().replace('\\', '/');
            String path;
            try {
              path = ArtifactPaths.normalize(prefix + rel);
            } catch (InvalidArgumentException e) {
              throw InvalidArgumentException.of("artifact file", file, "cannot be stored: " + e.getMessage());
            }
            plan.put(path, file);
          }
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException e) {
          if (e instanceof FileSystemLoopException) {
            throw InvalidArgumentException.of("artifact file", file, "is a symbolic link loop");
          }
          if (e instanceof NoSuchFileException && Files.isSymbolicLink(file)) {
            throw InvalidArgumentException.of("artifact file", file, "is a dangling symbolic link");
          }
          throw InvalidArgumentException.of("artifact file", file, "cannot be read: " + e);
        }

        private void inside(Path p) throws IOException {
          Path real = p.toRealPath();
          if (!real.startsWith(realRoot)) {
            throw InvalidArgumentException.of("artifact file", p, "is a symbolic link to " + real + ", outside the directory being logged");
          }
        }
      });
    } catch (IOException e) {
      throw new StorageException("cannot walk " + dir + ": " + e.getMessage(), e);
    }
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(dir)) {
      throw InvalidArgumentException.of("artifact directory", dir, "is not a directory");
    }
    return plan;
  }
}
