package dev.mlops.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlops.api.StorageBackend;
import dev.mlops.tracking.Tracker;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The standalone command's arguments. */
class MlopsUiMainTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private MlopsUi start(String... args) {
    return MlopsUiMain.start(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  void helpListsEveryOptionAndBadArgumentsSayWhy() {
    assertNull(start("--help"));
    String help = out.toString(StandardCharsets.UTF_8);
    for (String option : new String[] {"--storage", "--create", "--port", "--host", "--token", "--allow-host", "example:"}) {
      assertTrue(help.contains(option), help);
    }
    assertNull(start("--port", "5000"));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("--storage is required"), err.toString(StandardCharsets.UTF_8));
    assertNull(start("--storage", "mem:x", "--token", "short"));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("at least 16 characters"), err.toString(StandardCharsets.UTF_8));
    assertNull(start("--storage", "mem:x", "--colour", "red"));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("unknown option --colour"));
  }

  @Test
  void aMistypedFilePathIsRefusedNamingThePathAndNothingIsCreated(@TempDir Path dir) throws Exception {
    // a store someone made, and the same path mistyped
    Path store = dir.resolve("mlops");
    try (StorageBackend backend = StorageBackend.open("file:" + store); Tracker tracker = Tracker.builder().storage(backend).build()) {
      tracker.createExperiment("churn");
    }
    Path typo = dir.resolve("mlpos");
    assertNull(start("--storage", "file:" + typo, "--port", "0"));
    String error = err.toString(StandardCharsets.UTF_8);
    assertTrue(error.contains("error: no store at file:" + typo) && error.contains(typo + " does not exist") && error.contains("--create"),
        error);
    assertFalse(Files.exists(typo), "nothing is created on disk");
    assertEquals(List.of("mlops"), list(dir), "nothing beside the real store either");

    try (MlopsUi ui = start("--storage", "file:" + store, "--port", "0")) {
      assertNotNull(ui, err.toString(StandardCharsets.UTF_8));
    }
    try (MlopsUi ui = start("--storage", "file:" + typo, "--create", "--port", "0")) {
      assertNotNull(ui, err.toString(StandardCharsets.UTF_8));
      assertTrue(Files.exists(typo.resolve("mlops.db")), "--create makes the store");
    }
  }

  private static List<String> list(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void itStartsOnAStoreAndPrintsWhereToOpenIt() {
    try (MlopsUi ui = start("--storage", "mem:main-test", "--port", "0")) {
      assertNotNull(ui);
      assertTrue(out.toString(StandardCharsets.UTF_8).contains(ui.url()), out.toString(StandardCharsets.UTF_8));
    }
  }
}
