package dev.mlops.api;

/** The entity named in the call (experiment, run, artifact, ...) does not exist. */
public class NotFoundException extends MlopsException {
  private static final long serialVersionUID = 1L;

  /** An exception with the given message. */

  public NotFoundException(String message) {
    super(message);
  }

  /** An exception with the given message and cause. */

  public NotFoundException(String message, Throwable cause) {
    super(message, cause);
  }
}
