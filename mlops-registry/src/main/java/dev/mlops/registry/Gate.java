package dev.mlops.registry;

import dev.mlops.api.registry.ModelVersion;
import java.util.Map;
import java.util.Optional;

/**
 * A policy check on a promotion to a protected alias, evaluated when the request is made and again
 * when it is approved; every outcome is recorded on the request and in the audit trail.
 */
public interface Gate {
  /** A short description such as {@code accuracy >= 0.9}. */
  String describe();

  /** Evaluates the gate. */
  Outcome evaluate(Context context);

  /**
   * What a gate sees.
   *
   * @param candidate the version to promote
   * @param holder the version the alias points to now, if any
   * @param candidateMetrics the candidate's source-run metrics (latest values)
   * @param holderMetrics the holder's source-run metrics, empty when there is no holder
   */
  record Context(ModelVersion candidate, Optional<ModelVersion> holder, Map<String, Double> candidateMetrics,
      Map<String, Double> holderMetrics) {}

  /**
   * A gate's verdict.
   *
   * @param passed whether it passed
   * @param detail the observed value or the reason
   */
  record Outcome(boolean passed, String detail) {}
}
