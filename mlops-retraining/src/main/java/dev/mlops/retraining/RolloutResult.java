package dev.mlops.retraining;

import java.util.Map;

/**
 * Where a rollout stands.
 *
 * @param state its state
 * @param detail what happened, in words (the request id and gate results, the error)
 * @param figures the identifiers for the record (request id, alias, version)
 */
public record RolloutResult(State state, String detail, Map<String, String> figures) {
  /** Rollout states. */
  public enum State {
    /** The alias serves the challenger. */
    PROMOTED,
    /** Waiting for approvals (or a canary's verdict); the loop polls it. */
    PENDING,
    /** Refused by a gate or an approver. */
    REJECTED,
    /** Failed with an error. */
    FAILED
  }

  /** Copies. */
  public RolloutResult {
    figures = Map.copyOf(figures);
  }

  /** Whether it is still in progress. */
  public boolean pending() {
    return state == State.PENDING;
  }
}
