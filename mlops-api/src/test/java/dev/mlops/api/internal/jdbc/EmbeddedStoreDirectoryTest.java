package dev.mlops.api.internal.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlops.api.InvalidArgumentException;
import dev.mlops.api.StorageException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedStoreDirectoryTest {
  @Test
  void aRegularFileIsRefusedWithAMessageThatSaysSo(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("notes.txt"), "not a store");
    InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> Database.sqlite(file, false));
    assertTrue(e.getMessage().contains("'file:" + file + "'"), e.getMessage());
    assertTrue(e.getMessage().contains("must name a directory for the embedded store (created if absent), but "
        + file.toAbsolutePath() + " is a file"), e.getMessage());
    assertEquals("not a store", Files.readString(file), "the file is left as it was");
  }

  @Test
  void aDirectoryThatCannotBeCreatedSaysWhyAndWhatToDo(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("notes.txt"), "x");
    Path under = file.resolve("store");
    Exception e = assertThrows(Exception.class, () -> Database.sqlite(under, false));
    assertTrue(e instanceof InvalidArgumentException || e instanceof StorageException, e.toString());
    assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("choose another path") || e.getMessage().contains("choose a path"), e.getMessage());
  }

  @Test
  void aFreshDirectoryIsCreatedAndOpened(@TempDir Path dir) {
    Path store = dir.resolve("a").resolve("b");
    Database db = Database.sqlite(store, false);
    try {
      assertTrue(Files.isRegularFile(store.resolve("mlops.db")));
    } finally {
      db.close();
    }
  }
}
