package dev.mlops.api.tracking;

/** Which lifecycle stages a listing or search includes. */
public enum ViewType {
  /** Only active entities. */
  ACTIVE_ONLY,
  /** Only deleted entities. */
  DELETED_ONLY,
  /** Active and deleted entities. */
  ALL;

  /** Whether an entity in {@code stage} is included. */
  public boolean includes(LifecycleStage stage) {
    return switch (this) {
      case ACTIVE_ONLY -> stage == LifecycleStage.ACTIVE;
      case DELETED_ONLY -> stage == LifecycleStage.DELETED;
      case ALL -> true;
    };
  }
}
