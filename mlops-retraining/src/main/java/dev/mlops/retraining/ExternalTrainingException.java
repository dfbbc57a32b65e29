package dev.mlops.retraining;

import dev.mlops.api.MlopsException;

/**
 * An external training process failed: it could not start, exited with a non-zero status, ran past
 * its timeout (its process tree was killed), or wrote no readable model file. The retraining that
 * ran it is FAILED with this message, the champion untouched; its run holds the command, exit
 * status, duration and the end of the process's standard error.
 */
public final class ExternalTrainingException extends MlopsException {
  private static final long serialVersionUID = 1L;

  ExternalTrainingException(String message) {
    super(message);
  }

  ExternalTrainingException(String message, Throwable cause) {
    super(message, cause);
  }
}
