package dev.mlops.mlflow;

import dev.mlops.api.AccessDeniedException;
import dev.mlops.api.AlreadyExistsException;
import dev.mlops.api.ConflictException;
import dev.mlops.api.InvalidArgumentException;
import dev.mlops.api.NotFoundException;

/**
 * An answer in MLflow's error shape, {@code {"error_code": CODE, "message": ...}}, with the HTTP
 * status MLflow gives the code ({@code mlflow/exceptions.py: ERROR_CODE_TO_HTTP_STATUS}).
 */
final class MlflowError extends RuntimeException {
  private static final long serialVersionUID = 1L;
  static final String INVALID_PARAMETER_VALUE = "INVALID_PARAMETER_VALUE";
  static final String RESOURCE_DOES_NOT_EXIST = "RESOURCE_DOES_NOT_EXIST";
  static final String RESOURCE_ALREADY_EXISTS = "RESOURCE_ALREADY_EXISTS";
  static final String ENDPOINT_NOT_FOUND = "ENDPOINT_NOT_FOUND";

  private final String code;
  private final int status;

  MlflowError(String code, int status, String message) {
    super(message, null, false, false);
    this.code = code;
    this.status = status;
  }

  static MlflowError invalid(String message) {
    return new MlflowError(INVALID_PARAMETER_VALUE, 400, message);
  }

  static MlflowError invalid(String field, Object value, String rule) {
    return invalid(InvalidArgumentException.of(field, value, rule).getMessage());
  }

  static MlflowError notFound(String message) {
    return new MlflowError(RESOURCE_DOES_NOT_EXIST, 404, message);
  }

  String code() {
    return code;
  }

  int status() {
    return status;
  }

  /** The MLflow error for an exception of the library: its kind decides the code, its message is kept. */
  static MlflowError of(RuntimeException e) {
    if (e instanceof MlflowError m) {
      return m;
    }
    String msg = String.valueOf(e.getMessage());
    if (e instanceof NotFoundException) {
      return notFound(msg);
    }
    if (e instanceof AlreadyExistsException) {
      return new MlflowError(RESOURCE_ALREADY_EXISTS, 400, msg);
    }
    if (e instanceof AccessDeniedException) {
      return new MlflowError("PERMISSION_DENIED", 403, msg);
    }
    if (e instanceof InvalidArgumentException || e instanceof ConflictException || e instanceof IllegalArgumentException) {
      return invalid(msg);
    }
    return new MlflowError("INTERNAL_ERROR", 500, e.getClass().getSimpleName() + ": " + msg);
  }
}
