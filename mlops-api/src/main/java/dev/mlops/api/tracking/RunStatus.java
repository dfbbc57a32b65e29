package dev.mlops.api.tracking;

/** The state of a run. A run starts RUNNING and ends in one of the other three. */
public enum RunStatus {
  RUNNING,
  FINISHED,
  FAILED,
  KILLED;

  /** Whether this status ends a run. */
  public boolean isTerminal() {
    return this != RUNNING;
  }
}
