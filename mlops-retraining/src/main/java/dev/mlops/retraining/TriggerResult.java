package dev.mlops.retraining;

/**
 * What the loop did with a trigger.
 *
 * @param outcome the decision
 * @param trigger the trigger
 * @param detail why, for people
 */
public record TriggerResult(Outcome outcome, Trigger trigger, String detail) {
  /** Decisions on a trigger. */
  public enum Outcome {
    /** Queued: a retraining will take it (together with any other trigger queued by then). */
    QUEUED,
    /** A trigger with the same idempotency key was already received: ignored. */
    DUPLICATE,
    /** Within the cooldown after the last retraining: recorded, not queued. */
    COOLDOWN,
    /** The loop is paused after repeated failures: recorded, not queued. */
    PAUSED,
    /** A drift or quality alert without a confirming performance signal: recorded, not queued. */
    SUPPRESSED,
    /** Queued while a retraining ran that then promoted a new champion: the trigger was about the replaced one, so it is closed. */
    SUPERSEDED
  }

  /** Whether a retraining will take this trigger. */
  public boolean queued() {
    return outcome == Outcome.QUEUED;
  }
}
