package dev.mlops.spark;

import dev.mlops.api.InvalidArgumentException;
import org.jspecify.annotations.Nullable;

/** Argument checks in the library's message shape (the API module keeps its own helper to its named modules). */
final class Arguments {
  private Arguments() {}

  /** {@code value}, or an {@link InvalidArgumentException} naming {@code field} when it is null. */
  static <T> T notNull(String field, @Nullable T value) {
    if (value == null) {
      throw InvalidArgumentException.of(field, "null", "is required");
    }
    return value;
  }
}
