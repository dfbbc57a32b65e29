package dev.mlops.serving;

import dev.mlops.api.MlopsException;

/**
 * An endpoint is at its configured concurrency or queue limit and refused the request at once (as
 * DJL's WorkLoadManager and TF Serving's UNAVAILABLE do). Nothing was predicted; retry later or
 * shed the load.
 */
public final class CapacityException extends MlopsException {
  private static final long serialVersionUID = 1L;

  CapacityException(String message) {
    super(message);
  }
}
