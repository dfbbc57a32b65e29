package dev.mlops.tracking;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlops.api.InvalidArgumentException;
import dev.mlops.api.artifact.ArtifactInfo;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Directory uploads and downloads with trees a user did not mean to be hostile, and ones that are. */
class HostileArtifactTreesTest {
  @TempDir
  Path dir;
  Tracker tracker;
  ActiveRun run;

  @BeforeEach
  void open() {
    tracker = Tracker.builder().storage("file:" + dir.resolve("store")).build();
    run = tracker.startRun("artifacts");
  }

  @AfterEach
  void close() {
    run.close();
    tracker.close();
  }

  private Path tree() throws Exception {
    Path t = Files.createDirectories(dir.resolve("tree"));
    Files.writeString(t.resolve("a.txt"), "a");
    Files.createDirectories(t.resolve("sub/deeper"));
    Files.writeString(t.resolve("sub/b.txt"), "b");
    return t;
  }

  @Test
  void aBadNameDeepInTheTreeStoresNothing() throws Exception {
    Path t = tree();
    Files.writeString(t.resolve("sub/deeper/bad\u0001name.txt"), "x");
    InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> run.logArtifacts(t, "upload"));
    assertTrue(e.getMessage().contains("bad\u0001name.txt") && e.getMessage().contains("control characters"), e.getMessage());
    assertTrue(run.listArtifacts("").isEmpty(), "nothing was stored: " + run.listArtifacts(""));
  }

  @Test
  void aSymbolicLinkLoopIsAnInvalidArgumentNamingThePath() throws Exception {
    Path t = tree();
    Files.createSymbolicLink(t.resolve("sub/deeper/loop"), t.resolve("sub"));
    InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> run.logArtifacts(t, ""));
    assertTrue(e.getMessage().contains("loop"), e.getMessage());
    assertTrue(run.listArtifacts("").isEmpty());
  }

  @Test
  void aDanglingLinkIsAnInvalidArgumentNamingThePath() throws Exception {
    Path t = tree();
    Files.createSymbolicLink(t.resolve("sub/gone.txt"), t.resolve("missing.txt"));
    InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> run.logArtifacts(t, ""));
    assertTrue(e.getMessage().contains("gone.txt") && e.getMessage().contains("dangling"), e.getMessage());
    assertTrue(run.listArtifacts("").isEmpty());
  }

  @Test
  void aLinkOutsideTheTreeIsRefusedBeforeAnythingIsStored() throws Exception {
    Path t = tree();
    Path outside = Files.writeString(dir.resolve("secret.txt"), "secret");
    Files.createSymbolicLink(t.resolve("sub/z-link.txt"), outside);
    InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> run.logArtifacts(t, ""));
    assertTrue(e.getMessage().contains("outside the directory"), e.getMessage());
    assertTrue(run.listArtifacts("").isEmpty());
  }

  @Test
  void aUsersFileNamedLikeATemporaryFileIsStoredListedAndDownloaded() throws Exception {
    Path t = tree();
    Files.writeString(t.resolve("sub/.tmp-notes"), "mine");
    List<ArtifactInfo> stored = run.logArtifacts(t, "");
    assertEquals(3, stored.size());
    assertTrue(run.listArtifacts("sub").stream().anyMatch(a -> a.path().equals("sub/.tmp-notes")), run.listArtifacts("sub").toString());
    List<Path> written = tracker.downloadArtifacts(run.id(), "sub", dir.resolve("out"));
    assertTrue(written.contains(dir.resolve("out/.tmp-notes")), written.toString());
    assertEquals("mine", Files.readString(dir.resolve("out/.tmp-notes")));
  }

  @Test
  void aDownloadDoesNotWriteThroughALinkedFolderUnlessAllowed() throws Exception {
    run.logText("model/weights.txt", "w");
    Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
    Path target = Files.createDirectories(dir.resolve("download"));
    Files.createSymbolicLink(target.resolve("model"), elsewhere);
    InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> tracker.downloadArtifacts(run.id(), "", target));
    assertTrue(e.getMessage().contains("symbolic link"), e.getMessage());
    assertTrue(Files.notExists(elsewhere.resolve("weights.txt")), "nothing was written through the link");
    tracker.downloadArtifacts(run.id(), "", target, true);
    assertArrayEquals("w".getBytes(StandardCharsets.UTF_8), Files.readAllBytes(elsewhere.resolve("weights.txt")));
  }
}
