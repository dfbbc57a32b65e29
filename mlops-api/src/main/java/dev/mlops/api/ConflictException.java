package dev.mlops.api;

/** The call contradicts state already committed (for example a write-once param logged again with another value); nothing was written. */
public class ConflictException extends MlopsException {
  private static final long serialVersionUID = 1L;

  /** An exception with the given message. */

  public ConflictException(String message) {
    super(message);
  }

  /** An exception with the given message and cause. */

  public ConflictException(String message, Throwable cause) {
    super(message, cause);
  }
}
