package dev.mlops.api.tracking;

/** Whether an experiment or run is live or soft-deleted (restorable). */
public enum LifecycleStage {
  /** In use. */
  ACTIVE,
  /** Deleted (soft): hidden from default listings and searches, restorable. */
  DELETED
}
