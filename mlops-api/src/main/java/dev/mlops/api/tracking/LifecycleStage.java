package dev.mlops.api.tracking;

/** Whether an experiment or run is live or soft-deleted (restorable). */
public enum LifecycleStage {
  ACTIVE,
  DELETED
}
