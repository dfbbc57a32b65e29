package dev.mlops.api.tracking;

/** The state of a run. A run starts RUNNING and ends in one of the other three. */
public enum RunStatus {
  /** Started, not ended. */
  RUNNING,
  /** Ended normally. */
  FINISHED,
  /** Ended by an exception. */
  FAILED,
  /** Ended by someone stopping it. */
  KILLED;

  /** Whether this status ends a run. */
  public boolean isTerminal() {
    return this != RUNNING;
  }
}
