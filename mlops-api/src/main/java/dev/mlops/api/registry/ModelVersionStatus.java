package dev.mlops.api.registry;

/** Whether a version's bytes were stored and verified loadable. */
public enum ModelVersionStatus {
  /** Registered and loadable. */
  READY,
  /** Registration did not complete; the version cannot be loaded. */
  FAILED_REGISTRATION
}
