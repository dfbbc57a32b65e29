package dev.mlops.serving;

import dev.mlops.api.MlopsException;

/** An endpoint has no loaded model to answer with (its first load failed, or it is closed). */
public final class EndpointUnavailableException extends MlopsException {
  private static final long serialVersionUID = 1L;

  EndpointUnavailableException(String message) {
    super(message);
  }
}
