package dev.mlops.testkit;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

// sets a system property other classes read: no other test class runs beside it
@org.junit.jupiter.api.parallel.Isolated
class LeftOutTagsTest {
  private String before;

  @BeforeEach
  void remember() {
    before = System.getProperty(LeftOutTags.PROPERTY);
  }

  @AfterEach
  void restore() {
    if (before == null) {
      System.clearProperty(LeftOutTags.PROPERTY);
    } else {
      System.setProperty(LeftOutTags.PROPERTY, before);
    }
  }

  @Test
  void aResourceWhoseTagIsLeftOutIsRefusedNamingTheTag() {
    System.setProperty(LeftOutTags.PROPERTY, "browser, postgres,slow");
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> LeftOutTags.refuse(Postgres.TAG, "a database"));
    assertTrue(e.getMessage().startsWith("a database was asked for in a run that leaves out tests tagged 'postgres'"), e.getMessage());
  }

  @Test
  void aResourceWhoseTagRunsIsAllowed() {
    System.setProperty(LeftOutTags.PROPERTY, "browser,postgresql,child-jvm");
    assertDoesNotThrow(() -> LeftOutTags.refuse(Postgres.TAG, "a database"));
    System.clearProperty(LeftOutTags.PROPERTY);
    assertDoesNotThrow(() -> LeftOutTags.refuse(Postgres.TAG, "a database"));
  }
}
