package dev.mlops.api.registry;

/**
 * The outcome of one policy gate.
 *
 * @param gate the gate's description, for example {@code metric accuracy >= 0.9}
 * @param passed whether it passed
 * @param detail the observed value or the reason
 * @param phase {@code request} or {@code approval}
 * @param time epoch ms
 */
public record GateResult(String gate, boolean passed, String detail, String phase, long time) {}
