package dev.mlops.api;

/** The storage backend failed (I/O, database, lock). The store is left as it was before the call. */
public class StorageException extends MlopsException {
  private static final long serialVersionUID = 1L;

  /** An exception with the given message. */

  public StorageException(String message) {
    super(message);
  }

  /** An exception with the given message and cause. */

  public StorageException(String message, Throwable cause) {
    super(message, cause);
  }
}
