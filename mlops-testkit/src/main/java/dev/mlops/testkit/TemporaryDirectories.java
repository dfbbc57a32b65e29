package dev.mlops.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Temporary directories for tests that make stores outside JUnit's {@code @TempDir} (a backend factory such as
 * {@link StorageBackendCompatibilityKit#newBackend()}, a static fixture): each is made under one directory per
 * JVM, which is deleted with everything in it when the JVM exits, so a test run leaves nothing behind in the
 * system's temporary directory.
 *
 * <pre>{@code
 * protected StorageBackend newBackend() {
 *   return StorageBackend.builder().uri("my:" + TemporaryDirectories.create("my-")).provider(new MyProvider()).build();
 * }
 * }</pre>
 *
 * <p>Thread-safe. A directory is not deleted before the JVM exits: a test that needs an empty one takes a new one.
 */
public final class TemporaryDirectories {
  private TemporaryDirectories() {}

  private static final class Root {
    static final Path DIR = make();

    private static Path make() {
      try {
        Path root = Files.createTempDirectory("mlops-tests-");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(root), "mlops-tests-cleanup"));
        return root;
      } catch (IOException e) {
        throw new UncheckedIOException("cannot make the tests' temporary directory", e);
      }
    }
  }

  /**
   * A new, empty directory whose name starts with {@code prefix}, deleted when the JVM exits.
   *
   * @throws UncheckedIOException when it cannot be made
   */
  public static Path create(String prefix) {
    try {
      return Files.createTempDirectory(Root.DIR, prefix);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot make a temporary directory under " + Root.DIR, e);
    }
  }

  /** Deletes {@code dir} and everything under it, not following symbolic links; what cannot be deleted stays. */
  static void deleteTree(Path dir) {
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> {
        try {
          Files.deleteIfExists(f);
        } catch (IOException e) {
          // a file still held (or re-created by a thread still running) stays: nothing to report at exit
        }
      });
    } catch (IOException | UncheckedIOException e) {
      // the tree changed while walked; what was deleted is gone
    }
  }
}
