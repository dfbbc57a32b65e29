package dev.mlops.api.internal.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The text {@link PostgresLiterals} writes; that the server reads it back as the same values is tested with the tracking store. */
class PostgresLiteralsTest {
  @Test
  void replacesPlaceholdersInOrderWithTypedLiterals() {
    assertEquals("SELECT 1 WHERE a = E'x' AND b > CAST('0.5' AS DOUBLE PRECISION) AND c = CAST(-7 AS BIGINT)"
            + " AND d = CAST(3 AS INTEGER) AND e = CAST(1 AS INTEGER) AND f IS NOT DISTINCT FROM NULL",
        PostgresLiterals.inline("SELECT 1 WHERE a = ? AND b > ? AND c = ? AND d = ? AND e = ? AND f IS NOT DISTINCT FROM ?",
            Arrays.asList("x", 0.5, -7L, 3, true, null)));
  }

  @Test
  void doublesKeepJavasSpellingWhichTheServerReads() {
    assertEquals("CAST('NaN' AS DOUBLE PRECISION) CAST('-Infinity' AS DOUBLE PRECISION) CAST('-0.0' AS DOUBLE PRECISION)"
        + " CAST('1.0E-300' AS DOUBLE PRECISION) CAST('4.9E-324' AS DOUBLE PRECISION)",
        PostgresLiterals.inline("? ? ? ? ?", List.of(Double.NaN, Double.NEGATIVE_INFINITY, -0.0, 1e-300, Double.MIN_VALUE)));
  }

  @Test
  void quotesAndBackslashesAreDoubledInsideAnEscapeString() {
    assertEquals("x = E'it''s a \\\\'' OR 1=1 --'", PostgresLiterals.inline("x = ?", List.of("it's a \\' OR 1=1 --")));
    assertEquals("x = E'?'", PostgresLiterals.inline("x = ?", List.of("?")));
  }

  @Test
  void placeholdersInsideQuotedTextAreNotArguments() {
    assertEquals("SELECT '?', \"a?b\", 'it''s ?' FROM t WHERE k = E'v'",
        PostgresLiterals.inline("SELECT '?', \"a?b\", 'it''s ?' FROM t WHERE k = ?", List.of("v")));
  }

  @Test
  void valuesWithoutALiteralFormLeaveTheStatementToBinding() {
    assertNull(PostgresLiterals.inline("x = ?", List.of("a\0b")));
    assertNull(PostgresLiterals.inline("x = ?", List.of((Object) new byte[] {1})));
  }

  @Test
  void aCountMismatchIsRefused() {
    IllegalArgumentException more = assertThrows(IllegalArgumentException.class, () -> PostgresLiterals.inline("? ?", List.of(1L)));
    assertTrue(more.getMessage().contains("more placeholders"), more.getMessage());
    IllegalArgumentException fewer = assertThrows(IllegalArgumentException.class, () -> PostgresLiterals.inline("?", List.of(1L, 2L)));
    assertTrue(fewer.getMessage().contains("1 placeholders for 2 arguments"), fewer.getMessage());
    assertThrows(IllegalArgumentException.class, () -> PostgresLiterals.inline("'? ", List.of()));
  }
}
