package dev.mlops.retraining;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The recorded outcome of the blessing rule: never silent, always with its figures.
 *
 * @param blessed whether the challenger may be rolled out
 * @param reason one sentence: why
 * @param firstModel whether there was no champion (the first-model policy decided the change conditions)
 * @param checks each metric's figures and outcome
 * @param mcnemar McNemar's test (champion first, challenger second) when it was asked for on a classifier, else null
 * @param bootstrap the paired bootstrap of the loss difference when it was asked for on a model without per-row correctness, else null
 * @param holdoutDecisions how many blessing decisions, this one included, were made on the same holdout rows
 */
public record BlessingDecision(boolean blessed, String reason, boolean firstModel, List<MetricCheck> checks, @Nullable McNemar mcnemar,
    @Nullable PairedBootstrap bootstrap, int holdoutDecisions) {
  /** Copies. */
  public BlessingDecision {
    checks = List.copyOf(checks);
  }

  /**
   * One metric's check.
   *
   * @param metric the metric
   * @param higherIsBetter its direction
   * @param challenger the challenger's value, null if missing
   * @param champion the champion's value, null without a champion
   * @param change {@code challenger - champion}, when computed
   * @param relativeChange {@code change / |champion|}, when computed
   * @param passed whether every condition on it held
   * @param detail the figures in words
   */
  public record MetricCheck(String metric, boolean higherIsBetter, @Nullable Double challenger, @Nullable Double champion,
      @Nullable Double change, @Nullable Double relativeChange, boolean passed, String detail) {}
}
