package dev.mlops.serving;

/** What an endpoint does with input that does not match the model's signature. Either way the problem is counted. */
public enum InputPolicy {
  /** Refuse the request with an {@link InvalidInputException} naming each feature and what was expected (the default). */
  REJECT,
  /**
   * Serve it: unknown features are ignored, missing or unusable values are left out (Tribuo treats an
   * absent feature as zero), and every problem is listed in {@link Served#problems()}.
   */
  SERVE_AND_RECORD
}
