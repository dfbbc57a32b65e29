package dev.mlops.api.artifact;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlops.api.InvalidArgumentException;
import dev.mlops.api.MlopsException;
import dev.mlops.api.NotFoundException;
import dev.mlops.api.StorageBackend;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The {@code file:} artifact store never follows a symbolic link below its directory: not in place of
 * {@code artifacts/}, a run's directory, its {@code files/} or {@code meta/}, a folder of an artifact
 * path, the store's staging folder or the file itself, whether the link points outside the store or
 * inside it. The store's own directory may be reached through links.
 */
public class FileStoreContainmentTest {
  static final String RUN = "0123456789abcdef0123456789abcdef";
  static final String OTHER_RUN = "fedcba9876543210fedcba9876543210";

  @TempDir
  Path dir;
  private Path storeDir;
  private Path outside;
  private ArtifactStore store;

  /** Over the {@code file:} store as an application opens it; subclasses open it otherwise. */
  public FileStoreContainmentTest() {}

  /** The artifact store of the {@code file:} store at {@code storeDir}, as an application opens it. */
  protected ArtifactStore open(Path storeDir) {
    StorageBackend backend = StorageBackend.open("file:" + storeDir);
    ArtifactStore s = backend.store(ArtifactStore.class);
    return new ArtifactStore() {
      @Override
      public ArtifactInfo put(String runId, String path, InputStream content) {
        return s.put(runId, path, content);
      }

      @Override
      public List<ArtifactInfo> list(String runId, String dir) {
        return s.list(runId, dir);
      }

      @Override
      public InputStream open(String runId, String path) {
        return s.open(runId, path);
      }

      @Override
      public ArtifactInfo info(String runId, String path) {
        return s.info(runId, path);
      }

      @Override
      public boolean delete(String runId, String path) {
        return s.delete(runId, path);
      }

      @Override
      public void deleteAll(String runId) {
        s.deleteAll(runId);
      }

      @Override
      public void close() {
        backend.close();
      }
    };
  }

  @BeforeEach
  void fill() throws IOException {
    storeDir = dir.resolve("store");
    outside = Files.createDirectories(dir.resolve("outside"));
    store = open(storeDir);
    store.put(RUN, "d/e/f.txt", text("inside"));
    store.put(RUN, "top.txt", text("top"));
    store.put(OTHER_RUN, "d/e/f.txt", text("other run"));
  }

  @AfterEach
  void close() {
    store.close();
  }

  private static InputStream text(String s) {
    return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
  }

  private static String read(InputStream in) throws IOException {
    try (in) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /**
   * Moves the store's directory at {@code level} out to a copy outside the store whose artifact reads
   * "secret", and puts a link to that copy in its place.
   */
  private Path replaceWithLinkOutside(String level) throws IOException {
    Path real = storeDir.resolve(level);
    Path copy = outside.resolve("copy-of-" + real.getFileName());
    copyTree(real, copy);
    try (Stream<Path> files = Files.walk(copy)) {
      for (Path f : files.filter(p -> p.getFileName().toString().equals("f.txt")).toList()) {
        Files.writeString(f, "secret");
      }
    }
    deleteTree(real);
    Files.createSymbolicLink(real, copy);
    return copy;
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path f : files.toList()) {
        Path t = to.resolve(from.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(t);
        } else {
          Files.copy(f, t);
        }
      }
    }
  }

  private static void deleteTree(Path p) throws IOException {
    try (Stream<Path> files = Files.walk(p)) {
      for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(f);
      }
    }
  }

  /** Every file, folder and link below {@code root} with its content or target. */
  private static Map<String, String> snapshot(Path root) throws IOException {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> files = Files.walk(root)) {
      files.forEach(f -> {
        try {
          String key = root.relativize(f).toString();
          out.put(key, Files.isSymbolicLink(f) ? "link to " + Files.readSymbolicLink(f)
              : Files.isDirectory(f) ? "folder" : Files.readString(f, StandardCharsets.ISO_8859_1));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
    return out;
  }

  private static void refusedAsALink(Executable call, String link) {
    InvalidArgumentException e = assertThrows(InvalidArgumentException.class, call);
    assertTrue(e.getMessage().contains("symbolic link") && e.getMessage().contains(link), e.getMessage());
  }

  /** The one call that may legitimately succeed: purging a run removes the link entry, never its target. */
  private void purgeLeavesOutsideAlone(String level, Map<String, String> before) throws IOException {
    if (level.equals("artifacts")) {
      refusedAsALink(() -> store.deleteAll(RUN), "artifacts");
    } else {
      store.deleteAll(RUN);
      assertEquals(List.of(), store.list(RUN, ""), "the run's artifacts are gone");
      assertEquals("other run", read(store.open(OTHER_RUN, "d/e/f.txt")));
    }
    assertEquals(before, snapshot(outside), "nothing outside the store was deleted");
  }

  @ParameterizedTest
  @ValueSource(strings = {"artifacts", "artifacts/" + RUN, "artifacts/" + RUN + "/files", "artifacts/" + RUN + "/files/d",
      "artifacts/" + RUN + "/files/d/e"})
  void aLinkToOutsideInPlaceOfAFolderOnTheWayIsNeverFollowed(String level) throws Exception {
    replaceWithLinkOutside(level);
    Map<String, String> before = snapshot(outside);
    refusedAsALink(() -> store.open(RUN, "d/e/f.txt"), level);
    refusedAsALink(() -> store.info(RUN, "d/e/f.txt"), level);
    refusedAsALink(() -> store.list(RUN, "d/e"), level);
    refusedAsALink(() -> store.put(RUN, "d/e/new.txt", text("written through a link")), level);
    refusedAsALink(() -> store.put(RUN, "d/e/f.txt", text("replaced through a link")), level);
    refusedAsALink(() -> store.delete(RUN, "d/e/f.txt"), level);
    assertEquals(before, snapshot(outside), "nothing outside the store was read into, written or deleted");
    purgeLeavesOutsideAlone(level, before);
  }

  @ParameterizedTest
  @ValueSource(strings = {"artifacts/" + RUN + "/meta", "artifacts/" + RUN + "/meta/d"})
  void aLinkInPlaceOfTheChecksumFoldersIsNeverFollowed(String level) throws Exception {
    replaceWithLinkOutside(level);
    Map<String, String> before = snapshot(outside);
    refusedAsALink(() -> store.info(RUN, "d/e/f.txt"), level);
    refusedAsALink(() -> store.put(RUN, "d/e/new.txt", text("checksum written through a link")), level);
    refusedAsALink(() -> store.delete(RUN, "d/e/f.txt"), level);
    refusedAsALink(() -> store.list(RUN, "d/e"), level);
    assertEquals("inside", read(store.open(RUN, "d/e/f.txt")), "a refused put or delete changed nothing");
    assertEquals(before, snapshot(outside));
    purgeLeavesOutsideAlone(level, before);
  }

  @Test
  void aLinkInPlaceOfTheFileIsNoArtifact() throws Exception {
    Path secret = Files.writeString(outside.resolve("secret.txt"), "secret");
    Path f = storeDir.resolve("artifacts/" + RUN + "/files/d/e/f.txt");
    Files.delete(f);
    Files.createSymbolicLink(f, secret);
    assertThrows(NotFoundException.class, () -> store.open(RUN, "d/e/f.txt"));
    assertThrows(NotFoundException.class, () -> store.info(RUN, "d/e/f.txt"));
    assertEquals(List.of(), store.list(RUN, "d/e"), "a link is not listed");
    assertFalse(store.delete(RUN, "d/e/f.txt"), "a link is not a stored file");
    assertEquals("secret", Files.readString(secret));
    store.put(RUN, "d/e/f.txt", text("new"));
    assertEquals("new", read(store.open(RUN, "d/e/f.txt")), "a put replaces the link itself");
    assertEquals("secret", Files.readString(secret), "and never writes through it");
  }

  @Test
  void linksThatStayInsideTheStoreAreNotFollowedEither() throws Exception {
    // a folder of one run linked to another run's folder, and a whole run directory linked to another
    Files.createSymbolicLink(storeDir.resolve("artifacts/" + RUN + "/files/alias"), storeDir.resolve("artifacts/" + OTHER_RUN + "/files/d"));
    refusedAsALink(() -> store.open(RUN, "alias/e/f.txt"), "alias");
    refusedAsALink(() -> store.put(RUN, "alias/e/f.txt", text("overwrites the other run")), "alias");
    assertEquals("other run", read(store.open(OTHER_RUN, "d/e/f.txt")));
    assertEquals(List.of("d", "top.txt"), store.list(RUN, "").stream().map(ArtifactInfo::path).toList(), "the link is not listed");
    String third = "00000000000000000000000000000003";
    Files.createSymbolicLink(storeDir.resolve("artifacts/" + third), storeDir.resolve("artifacts/" + RUN));
    refusedAsALink(() -> store.open(third, "d/e/f.txt"), third);
    refusedAsALink(() -> store.list(third, ""), third);
    store.deleteAll(third);
    assertEquals("inside", read(store.open(RUN, "d/e/f.txt")), "purging the linked run removed the link only");
  }

  @Test
  void aLinkInPlaceOfTheStagingFolderIsNeverWrittenThrough() throws Exception {
    Path staging = storeDir.resolve("artifacts/.staging");
    if (Files.exists(staging)) {
      deleteTree(staging);
    }
    Path elsewhere = Files.createDirectories(outside.resolve("staging"));
    Files.createSymbolicLink(staging, elsewhere);
    MlopsException e = assertThrows(MlopsException.class, () -> store.put(RUN, "d/e/g.txt", text("staged outside")));
    assertTrue(e.getMessage().contains("symbolic link") && e.getMessage().contains(".staging"), e.getMessage());
    try (Stream<Path> files = Files.list(elsewhere)) {
      assertEquals(0, files.count(), "no byte was written outside the store");
    }
    assertThrows(NotFoundException.class, () -> store.info(RUN, "d/e/g.txt"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"../" + OTHER_RUN + "/files/d/e/f.txt", "d/../../x.txt", "d/e/../../../../outside/x.txt", "/etc/passwd",
      "C:/Windows/win.ini", "..\\..\\x.txt"})
  void dotDotSegmentsAndAbsolutePathsAreRefusedBeforeTheFileSystemIsTouched(String path) throws Exception {
    Map<String, String> before = snapshot(storeDir.resolve("artifacts"));
    assertThrows(InvalidArgumentException.class, () -> store.open(RUN, path), path);
    assertThrows(InvalidArgumentException.class, () -> store.put(RUN, path, text("x")), path);
    assertThrows(InvalidArgumentException.class, () -> store.delete(RUN, path), path);
    assertThrows(InvalidArgumentException.class, () -> store.list(RUN, path), path);
    assertEquals(before, snapshot(storeDir.resolve("artifacts")));
  }

  @ParameterizedTest
  @ValueSource(strings = {"..", "../" + RUN, ".staging", "a/b"})
  void runIdsThatAreNoRunsIdAreRefusedBeforeTheFileSystemIsTouched(String run) throws Exception {
    Map<String, String> before = snapshot(storeDir.resolve("artifacts"));
    assertThrows(InvalidArgumentException.class, () -> store.open(run, "d/e/f.txt"), run);
    assertThrows(InvalidArgumentException.class, () -> store.put(run, "x.txt", text("x")), run);
    assertThrows(InvalidArgumentException.class, () -> store.deleteAll(run), run);
    assertEquals(before, snapshot(storeDir.resolve("artifacts")));
  }

  @Test
  void aStoreDirectoryReachedThroughLinksWorks() throws Exception {
    // the store's own path may be a link, and so may a folder above it: they are resolved when the store opens
    Path real = Files.createDirectories(dir.resolve("disks/fast/mlops"));
    Path linkToStore = Files.createSymbolicLink(dir.resolve("mlops-link"), real);
    Path linkToParent = Files.createSymbolicLink(dir.resolve("disks-link"), dir.resolve("disks"));
    for (Path via : List.of(linkToStore, linkToParent.resolve("fast/mlops"))) {
      try (ArtifactStore s = open(via)) {
        s.put(RUN, "model/weights.bin", text("weights via " + via.getFileName()));
        assertEquals("weights via " + via.getFileName(), read(s.open(RUN, "model/weights.bin")));
        assertEquals(List.of("model/weights.bin"), s.list(RUN, "model").stream().map(ArtifactInfo::path).toList());
        assertEquals("weights via " + via.getFileName(), Files.readString(real.resolve("artifacts/" + RUN + "/files/model/weights.bin")));
        assertTrue(s.delete(RUN, "model/weights.bin"));
        s.put(RUN, "x.txt", text("x"));
        s.deleteAll(RUN);
        assertFalse(Files.exists(real.resolve("artifacts/" + RUN)));
      }
    }
  }
}
