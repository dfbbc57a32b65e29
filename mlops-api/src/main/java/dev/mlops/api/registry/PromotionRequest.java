package dev.mlops.api.registry;

import java.util.List;

/**
 * A request to point a protected alias at a version, decided by approvers.
 *
 * @param id request id
 * @param model model name
 * @param alias the protected alias
 * @param version the version it should point to
 * @param requester who asked
 * @param reason why
 * @param status OPEN, APPROVED (the alias moved), REJECTED
 * @param decisions approvals and rejections so far, in order
 * @param gates every gate evaluation, at request time and at approval
 * @param createdAt epoch ms
 * @param decidedAt epoch ms, or -1 while open
 */
public record PromotionRequest(String id, String model, String alias, int version, String requester, String reason, Status status,
    List<Decision> decisions, List<GateResult> gates, long createdAt, long decidedAt) {
  /** Request states. */
  public enum Status {
    /** Waiting for approvals. */
    OPEN,
    /** Approved: the alias moved to the version. */
    APPROVED,
    /** Rejected by an approver or by a failing gate. */
    REJECTED
  }

  /**
   * One approver's decision.
   *
   * @param actor who decided
   * @param approve approve or reject
   * @param comment why
   * @param time epoch ms
   */
  public record Decision(String actor, boolean approve, String comment, long time) {}

  /** The canonical constructor: collections are copied and immutable. */
  public PromotionRequest {
    decisions = List.copyOf(decisions);
    gates = List.copyOf(gates);
  }

  /** The number of approvals so far. */
  public long approvals() {
    return decisions.stream().filter(Decision::approve).count();
  }

  /** A short form with ISO-8601 times and the failed gates by name: {@code PromotionRequest[r1 fraud@champion -> v3 OPEN, ...]}. */
  @Override
  public String toString() {
    List<String> failed = gates.stream().filter(g -> !g.passed()).map(GateResult::gate).toList();
    return "PromotionRequest[" + id + " " + model + "@" + alias + " -> v" + version + " " + status + ", requested by "
        + requester + " at " + java.time.Instant.ofEpochMilli(createdAt)
        + (decidedAt > 0 ? ", decided at " + java.time.Instant.ofEpochMilli(decidedAt) : "")
        + ", " + approvals() + " approval(s) of " + decisions.size() + " decision(s), " + gates.size() + " gate(s)"
        + (failed.isEmpty() ? "" : ", failed " + failed) + "]";
  }
}
