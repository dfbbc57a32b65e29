package dev.mlops.serving;

import dev.mlops.api.MlopsException;

/**
 * A version an endpoint's variant was to serve failed to load or to warm up ({@link
 * Endpoint#awaitVersion}); the version it served before still serves, and {@link
 * Endpoint#describe()} reports DEGRADED with the same reason.
 */
public final class LoadFailedException extends MlopsException {
  private static final long serialVersionUID = 1L;

  LoadFailedException(String message) {
    super(message);
  }
}
