package dev.mlops.api.internal.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One versioned schema step of a component. Statements use the placeholders of
 * {@link Dialect#ddl(String)}; a statement starting {@code sqlite:} or {@code postgres:} runs on
 * that dialect only. A step may also rewrite rows in Java ({@code code}), after its statements and
 * in the same transaction.
 *
 * @param version 1, 2, 3, ... without gaps
 * @param description what the step does
 * @param statements portable statements
 * @param code a data migration run after the statements, or null
 */
public record Migration(int version, String description, List<String> statements, @Nullable Code code) {
  public Migration {
    statements = List.copyOf(statements);
  }

  /** A step of DDL statements only. */
  public Migration(int version, String description, List<String> statements) {
    this(version, description, statements, null);
  }

  /** A data migration. */
  @FunctionalInterface
  public interface Code {
    void apply(Connection c, Dialect dialect) throws SQLException;
  }
}
