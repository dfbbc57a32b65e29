package dev.mlops.api;

/**
 * Root of every exception the library throws. Unchecked: callers catch the specific subtype they can
 * handle ({@link NotFoundException}, {@link AlreadyExistsException}, {@link InvalidArgumentException},
 * {@link ConflictException}, {@link StorageException}).
 */
public class MlopsException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** An exception with the given message. */

  public MlopsException(String message) {
    super(message);
  }

  /** An exception with the given message and cause. */

  public MlopsException(String message, Throwable cause) {
    super(message, cause);
  }
}
