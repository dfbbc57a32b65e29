package dev.mlops.retraining;

import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One model's metrics on the holdout.
 *
 * @param metrics metric name to value
 * @param correct per holdout row, whether the prediction was right (classifiers; the input of McNemar's test), else null
 */
public record Evaluation(Map<String, Double> metrics, boolean @Nullable [] correct) {
  /** Copies. */
  public Evaluation {
    metrics = Map.copyOf(metrics);
    correct = correct == null ? null : correct.clone();
  }

  /** A copy of the per-row correctness, or null. */
  @Override
  public boolean @Nullable [] correct() {
    return correct == null ? null : correct.clone();
  }
}
