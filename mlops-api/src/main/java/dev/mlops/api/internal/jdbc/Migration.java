package dev.mlops.api.internal.jdbc;

import java.util.List;

/**
 * One versioned schema step of a component. Statements use the placeholders of
 * {@link Dialect#ddl(String)}; a statement starting {@code sqlite:} or {@code postgres:} runs on
 * that dialect only.
 *
 * @param version 1, 2, 3, ... without gaps
 * @param description what the step does
 * @param statements portable statements
 */
public record Migration(int version, String description, List<String> statements) {
  public Migration {
    statements = List.copyOf(statements);
  }
}
