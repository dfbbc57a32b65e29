package dev.mlops.serving;

/**
 * What a rollout policy did, and why.
 *
 * @param kind ROLLED_BACK, PROMOTION_REQUESTED or PROMOTED
 * @param endpoint the endpoint
 * @param variant the canary variant
 * @param model the registered model
 * @param version the canary version it concerns
 * @param rule the rule that fired (for a rollback) or {@code clean-requests} (for a promotion)
 * @param detail the figures, for example {@code error rate 0.31 > 0.05 (champion 0.00) over 200 requests}
 * @param time epoch ms
 */
public record RolloutEvent(Kind kind, String endpoint, String variant, String model, int version, String rule, String detail, long time) {
  /** What happened. */
  public enum Kind {
    /** The canary's weight went to 0 (and, where configured, its alias moved back). */
    ROLLED_BACK,
    /** A promotion request for the canary's version was opened through the registry's gates and approvals. */
    PROMOTION_REQUESTED,
    /** An unprotected alias was moved to the canary's version. */
    PROMOTED
  }

  @Override
  public String toString() {
    return kind + " " + endpoint + "/" + variant + " (" + model + " v" + version + "): " + rule + ": " + detail;
  }
}
