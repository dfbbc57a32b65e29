package dev.mlops.api;

/** The entity named in the call (experiment, run, artifact, ...) does not exist. */
public class NotFoundException extends MlopsException {
  private static final long serialVersionUID = 1L;

  public NotFoundException(String message) {
    super(message);
  }

  public NotFoundException(String message, Throwable cause) {
    super(message, cause);
  }
}
