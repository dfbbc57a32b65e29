package dev.mlops.api;

import dev.mlops.api.internal.Validation;
/**
 * An argument broke a documented rule. The message names the field, the offending value (shortened
 * when long) and the rule. Thrown before anything is written.
 */
public class InvalidArgumentException extends MlopsException {
  private static final long serialVersionUID = 1L;

  /** An exception with the given message. */

  public InvalidArgumentException(String message) {
    super(message);
  }

  /** An exception with the given message and cause. */

  public InvalidArgumentException(String message, Throwable cause) {
    super(message, cause);
  }

  /** Builds the standard message: {@code field 'name' = 'value': rule}. */
  public static InvalidArgumentException of(String field, Object value, String rule) {
    return new InvalidArgumentException(field + " = " + Validation.quote(value) + ": " + rule);
  }
}
