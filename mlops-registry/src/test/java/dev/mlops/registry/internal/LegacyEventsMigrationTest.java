package dev.mlops.registry.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mlops.api.internal.jdbc.Database;
import dev.mlops.api.internal.jdbc.Sql;
import dev.mlops.api.registry.RegistryEvent;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A store written by schema version 1 (events as {@code key=value;...} text) opens with typed events. */
class LegacyEventsMigrationTest {
  @TempDir
  Path dir;

  @Test
  void version1EventPayloadsBecomeTypedEvents() {
    try (Database db = Database.sqlite(dir, false)) {
      db.migrate("registry", JdbcRegistryStore.MIGRATIONS.subList(0, 1));
      String[][] rows = {
          {"fraud", "MODEL_CREATED", ""},
          {"fraud", "VERSION_REGISTERED", "version=1;sha256=abc"},
          {"fraud", "ALIAS_MOVED", "alias=champion;version=1"},
          {"fraud", "ALIAS_MOVED", "alias=champion;version=2;previous=1"},
          {"fraud", "MODEL_RENAMED", "new_name=x;version=9"},
          {"x;version=9", "MODEL_RENAMED", "old_name=fraud"},
          {"x;version=9", "VERSION_TAG_SET", "version=2;key=owner"},
          {"x;version=9", "REQUEST_OPENED", "request=r-1;alias=champion;version=2"},
          {"x;version=9", "ALIAS_DELETED", "alias=champion;version=2"},
          {"x;version=9", "SOMETHING_NEWER", "k=v"}};
      db.transaction(c -> {
        for (int i = 0; i < rows.length; i++) {
          Sql.update(c, "INSERT INTO reg_events (model, type, payload, time) VALUES (?, ?, ?, ?)", rows[i][0], rows[i][1], rows[i][2], 100L + i);
        }
        return null;
      });
      JdbcRegistryStore store = new JdbcRegistryStore(db);
      List<RegistryEvent> events = store.events(0, 100);
      assertEquals(List.of(
          new RegistryEvent.ModelCreated(1, "fraud", 100),
          new RegistryEvent.VersionRegistered(2, "fraud", 101, 1, "abc"),
          new RegistryEvent.AliasMoved(3, "fraud", 102, "champion", 1, 0),
          new RegistryEvent.AliasMoved(4, "fraud", 103, "champion", 2, 1),
          new RegistryEvent.ModelRenamed(5, "fraud", 104, "fraud", "x;version=9"),
          new RegistryEvent.ModelRenamed(6, "x;version=9", 105, "fraud", "x;version=9"),
          new RegistryEvent.VersionTagSet(7, "x;version=9", 106, 2, "owner"),
          new RegistryEvent.RequestOpened(8, "x;version=9", 107, "r-1", "champion", 2),
          new RegistryEvent.AliasDeleted(9, "x;version=9", 108, "champion", 2),
          new RegistryEvent.Unknown(10, "x;version=9", 109, "SOMETHING_NEWER", "{\"legacy\":\"k=v\"}")), events);
      assertEquals(10, store.lastEventSeq());
    }
  }
}
