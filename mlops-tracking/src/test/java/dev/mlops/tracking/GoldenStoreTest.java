package dev.mlops.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlops.api.StorageBackend;
import dev.mlops.api.tracking.TrackingStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code file:} stores written by earlier releases with the answers those releases gave to
 * {@link GoldenStore#QUERIES}: this release opens the same files (migrating them) and must answer
 * every search, page for page, and every metric history the same. {@code 3d29205}: schema version 2,
 * before the search indexes of version 3, metric points in the raw form; {@code dbd6a0d}: schema
 * version 5, metric points in the delta form.
 */
class GoldenStoreTest {
  @TempDir
  Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"0.1.0-3d29205", "0.1.0-dbd6a0d"})
  void aStoreWrittenByAnEarlierReleaseOpensAndSearchesTheSame(String release) throws IOException {
    Path store = dir.resolve("store");
    unzip("/golden/store-" + release + ".zip", store);
    String expected;
    try (InputStream in = GoldenStoreTest.class.getResourceAsStream("/golden/answers-" + release + ".json")) {
      expected = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    for (int open = 0; open < 2; open++) {
      // the first opening migrates the store, the second reads it as migrated
      try (StorageBackend backend = StorageBackend.open("file:" + store)) {
        assertEquals(expected, GoldenStore.answers(backend.store(TrackingStore.class)), "opening " + (open + 1));
      }
    }
    try (Tracker tracker = Tracker.builder().storage("file:" + store).build()) {
      // runs 0, 23 and 46 share the name; the first of them logged a note
      java.util.List<String> notes = new java.util.ArrayList<>();
      for (var run : tracker.searchAll(RunQuery.builder().experiments("golden").filter("run_name = 'run-0'").build())) {
        try {
          for (Path p : tracker.downloadArtifacts(run.id(), "notes/readme.txt", dir.resolve(run.id()))) {
            notes.add(Files.readString(p));
          }
        } catch (dev.mlops.api.NotFoundException e) {
          notes.add("none");
        }
      }
      assertTrue(notes.contains("run 0"), "artifacts written by release " + release + " download intact: " + notes);
    }
  }

  private static void unzip(String resource, Path target) throws IOException {
    try (ZipInputStream zip = new ZipInputStream(GoldenStoreTest.class.getResourceAsStream(resource))) {
      for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
        Path out = target.resolve(e.getName()).normalize();
        assertTrue(out.startsWith(target), e.getName());
        if (e.isDirectory()) {
          Files.createDirectories(out);
        } else {
          Files.createDirectories(out.getParent());
          Files.copy(zip, out);
        }
      }
    }
  }
}
