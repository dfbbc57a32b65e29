package dev.mlops.api.registry;

/** Whether a version's bytes were stored and verified loadable. */
public enum ModelVersionStatus {
  READY,
  FAILED_REGISTRATION
}
