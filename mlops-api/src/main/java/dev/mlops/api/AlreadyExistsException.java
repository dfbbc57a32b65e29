package dev.mlops.api;

/** An entity with the same unique name or id already exists; nothing was written. */
public class AlreadyExistsException extends MlopsException {
  private static final long serialVersionUID = 1L;

  /** An exception with the given message. */

  public AlreadyExistsException(String message) {
    super(message);
  }

  /** An exception with the given message and cause. */

  public AlreadyExistsException(String message, Throwable cause) {
    super(message, cause);
  }
}
