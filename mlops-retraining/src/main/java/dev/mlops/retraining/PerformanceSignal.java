package dev.mlops.retraining;

import dev.mlops.api.InvalidArgumentException;
import dev.mlops.api.internal.Validation;
import dev.mlops.monitoring.performance.ClassificationMetrics;
import dev.mlops.monitoring.performance.PredictionLog;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A performance reading: delayed-label metrics or an estimate. The loop polls it as a trigger of
 * its own and, by default, asks it to confirm a drift alert before retraining (drift without a
 * performance drop is usually a false alarm).
 */
@FunctionalInterface
public interface PerformanceSignal {
  /** The latest reading, or empty when there is none yet. */
  Optional<PerformanceCheck> check();

  /** The metrics {@link #predictionLog} reads. */
  Set<String> METRICS = Set.of("accuracy", "precision", "recall", "f1", "roc_auc");

  /**
   * The latest window of a prediction log with delayed labels, its realized {@code metric} compared
   * with {@code floor}; a window without labels falls back to the CBPE estimate (accuracy and f1
   * only) when the log has a reference.
   */
  static PerformanceSignal predictionLog(PredictionLog log, String metric, double floor) {
    Validation.notNull("log", log);
    if (!METRICS.contains(metric)) {
      throw InvalidArgumentException.of("metric", metric, "must be one of " + METRICS);
    }
    return () -> {
      List<PredictionLog.WindowPerformance> windows = log.windows();
      for (int i = windows.size() - 1; i >= 0; i--) {
        PredictionLog.WindowPerformance w = windows.get(i);
        if (w.realized() != null) {
          double v = value(w.realized(), metric);
          return Optional.of(new PerformanceCheck("window-" + w.window(), "delayed labels of window " + w.window() + " (" + w.labelled()
              + " labelled)", metric, v, floor, v < floor));
        }
        if (w.estimated() != null && (metric.equals("accuracy") || metric.equals("f1"))) {
          double v = metric.equals("accuracy") ? w.estimated().accuracy() : w.estimated().f1();
          return Optional.of(new PerformanceCheck("window-" + w.window(), "CBPE estimate of window " + w.window(), metric, v, floor, v < floor));
        }
      }
      return Optional.empty();
    };
  }

  /**
   * Like {@link #predictionLog(PredictionLog, String, double)} with the floor at the log's reference
   * metric minus {@code margin}.
   *
   * @throws InvalidArgumentException if the log has no reference
   */
  static PerformanceSignal predictionLogBelowReference(PredictionLog log, String metric, double margin) {
    ClassificationMetrics ref = log.referenceMetrics();
    if (ref == null) {
      throw InvalidArgumentException.of("log", "no reference", "give the prediction log a reference(labels, scores) first");
    }
    return predictionLog(log, metric, value(ref, metric) - margin);
  }

  private static double value(ClassificationMetrics m, String metric) {
    return switch (metric) {
      case "accuracy" -> m.accuracy();
      case "precision" -> m.precision();
      case "recall" -> m.recall();
      case "f1" -> m.f1();
      default -> m.rocAuc();
    };
  }
}
