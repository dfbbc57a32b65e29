package dev.mlops.retraining;

import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One model's metrics on the holdout.
 *
 * @param metrics metric name to value
 * @param correct per holdout row, whether the prediction was right (classifiers; the input of McNemar's test), else null
 * @param losses per holdout row, the loss (squared error for regressors, 0/1 for classifiers; the input of the paired bootstrap), else null
 */
public record Evaluation(Map<String, Double> metrics, boolean @Nullable [] correct, double @Nullable [] losses) {
  /** Copies. */
  public Evaluation {
    metrics = Map.copyOf(metrics);
    correct = correct == null ? null : correct.clone();
    losses = losses == null ? null : losses.clone();
  }

  /** Metrics and per-row correctness, no losses. */
  public Evaluation(Map<String, Double> metrics, boolean @Nullable [] correct) {
    this(metrics, correct, null);
  }

  /** A copy of the per-row losses, or null. */
  @Override
  public double @Nullable [] losses() {
    return losses == null ? null : losses.clone();
  }

  /** A copy of the per-row correctness, or null. */
  @Override
  public boolean @Nullable [] correct() {
    return correct == null ? null : correct.clone();
  }
}
