package dev.mlops.api;

/** Stored bytes do not match their recorded digest (or a chain of digests does not verify); nothing was loaded. */
public class IntegrityException extends MlopsException {
  private static final long serialVersionUID = 1L;

  /** An exception with the given message. */

  public IntegrityException(String message) {
    super(message);
  }
}
