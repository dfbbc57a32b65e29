package dev.mlops.api;

/** The access policy, or a governance rule such as "no self-approval", refused the call; the refusal is audited and nothing else is written. */
public class AccessDeniedException extends MlopsException {
  private static final long serialVersionUID = 1L;

  /** An exception with the given message. */

  public AccessDeniedException(String message) {
    super(message);
  }
}
