package dev.mlops.api.internal.jdbc;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Writes a statement's arguments into its SQL text as PostgreSQL literals of the types the driver
 * would bind them as. A statement without parameters is planned with its values and, once the
 * driver has made it a named server-side statement (after five executions of the same text on a
 * connection), its plan is kept and reused: the same search repeated (a page refreshed, a service
 * asking for its best run) is planned once, and its plan is the one its values call for. With
 * bound parameters the server must either plan every execution or fall back to a generic plan that
 * cannot see the values.
 */
public final class PostgresLiterals {
  private PostgresLiterals() {}

  /**
   * {@code sql} with each {@code ?} placeholder outside quoted text replaced by the literal of the
   * matching argument, or null when an argument has no literal form here (a string holding a NUL
   * character, bytes, an array), in which case the caller binds the arguments as usual.
   *
   * @throws IllegalArgumentException if the number of placeholders and arguments differ
   */
  public static @Nullable String inline(String sql, List<?> args) {
    StringBuilder out = new StringBuilder(sql.length() + 16 * args.size());
    int next = 0;
    for (int i = 0; i < sql.length(); i++) {
      char ch = sql.charAt(i);
      if (ch == '\'' || ch == '"') {
        int end = sql.indexOf(ch, i + 1);
        if (end < 0) {
          throw new IllegalArgumentException("sql has an unterminated quote at " + i + ": " + sql);
        }
        out.append(sql, i, end + 1);
        i = end; // a doubled quote inside is read as two adjacent quoted sections, which is the same text
      } else if (ch == '?') {
        if (next == args.size()) {
          throw new IllegalArgumentException("sql has more placeholders than the " + args.size() + " arguments: " + sql);
        }
        if (!literal(args.get(next++), out)) {
          return null;
        }
      } else {
        out.append(ch);
      }
    }
    if (next != args.size()) {
      throw new IllegalArgumentException("sql has " + next + " placeholders for " + args.size() + " arguments: " + sql);
    }
    return out.toString();
  }

  /** Appends the literal of {@code a} as {@link Sql#bind} would bind it; false if it has none here. */
  private static boolean literal(@Nullable Object a, StringBuilder out) {
    if (a == null) {
      out.append("NULL");
    } else if (a instanceof Double || a instanceof Float) {
      // float8in reads Java's forms, including NaN, Infinity and -Infinity
      out.append("CAST('").append(((Number) a).doubleValue()).append("' AS DOUBLE PRECISION)");
    } else if (a instanceof Long l) {
      out.append("CAST(").append(l.longValue()).append(" AS BIGINT)");
    } else if (a instanceof Integer n) {
      out.append("CAST(").append(n.intValue()).append(" AS INTEGER)");
    } else if (a instanceof Boolean b) {
      out.append("CAST(").append(b ? 1 : 0).append(" AS INTEGER)");
    } else if (a instanceof byte[] || a instanceof java.sql.Array) {
      return false;
    } else {
      String s = a.toString();
      if (s.indexOf('\0') >= 0) {
        return false;
      }
      // an escape string literal means the same whatever standard_conforming_strings is set to
      out.append("E'");
      for (int i = 0; i < s.length(); i++) {
        char ch = s.charAt(i);
        if (ch == '\'' || ch == '\\') {
          out.append(ch);
        }
        out.append(ch);
      }
      out.append('\'');
    }
    return true;
  }
}
