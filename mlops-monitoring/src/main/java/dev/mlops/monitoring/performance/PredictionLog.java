package dev.mlops.monitoring.performance;

import dev.mlops.api.InvalidArgumentException;
import dev.mlops.api.Validation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Predictions of a binary classifier recorded with an id, whose labels join later. Predictions are
 * grouped into windows of {@code windowSize} in arrival order; for each window it reports the
 * realized metrics over the predictions labelled so far and, from the scores alone, the CBPE
 * estimate of accuracy and F1 (calibrated on the reference window), so performance is visible
 * before labels arrive and both appear side by side once they do. Thread-safe.
 */
public final class PredictionLog {
  private final int windowSize;
  private final double threshold;
  private final List<Entry> entries = new ArrayList<>();
  private final Map<String, Entry> byId = new LinkedHashMap<>();
  private Cbpe cbpe;
  private ClassificationMetrics reference;

  private static final class Entry {
    final double score;
    Integer label;

    Entry(double score) {
      this.score = score;
    }
  }

  /**
   * Performance of one window.
   *
   * @param window 0, 1, 2, ...
   * @param predictions predictions in the window
   * @param labelled how many have labels
   * @param realized metrics over the labelled predictions, or null when none are labelled
   * @param estimated CBPE estimate from all scores, or null without a reference window
   */
  public record WindowPerformance(int window, int predictions, int labelled, ClassificationMetrics realized, Cbpe.Estimate estimated) {}

  /** A log with windows of {@code windowSize} predictions and the positive decision at score &gt;= {@code threshold}. */
  public PredictionLog(int windowSize, double threshold) {
    this.windowSize = Validation.positive("window size", windowSize);
    this.threshold = threshold;
  }

  /** Sets the labelled reference window: fits CBPE's calibration and keeps its metrics for comparison. */
  public synchronized PredictionLog reference(int[] labels, double[] scores) {
    this.cbpe = Cbpe.fit(labels, scores, threshold);
    this.reference = ClassificationMetrics.binary(labels, scores, threshold);
    return this;
  }

  /** The reference window's metrics, if set. */
  public synchronized ClassificationMetrics referenceMetrics() {
    return reference;
  }

  /**
   * Records a prediction.
   *
   * @throws InvalidArgumentException if the id was recorded before
   */
  public synchronized void predict(String id, double score) {
    Validation.notNull("prediction id", id);
    if (byId.containsKey(id)) {
      throw InvalidArgumentException.of("prediction id", id, "was already recorded");
    }
    Entry e = new Entry(score);
    entries.add(e);
    byId.put(id, e);
  }

  /**
   * Joins a label (0 or 1) to a recorded prediction.
   *
   * @throws InvalidArgumentException for an unknown id or a label other than 0 and 1
   */
  public synchronized void label(String id, int label) {
    Entry e = byId.get(id);
    if (e == null) {
      throw InvalidArgumentException.of("prediction id", id, "has no recorded prediction");
    }
    if (label != 0 && label != 1) {
      throw InvalidArgumentException.of("label", label, "must be 0 or 1");
    }
    e.label = label;
  }

  /** Performance per window, including the open last window. */
  public synchronized List<WindowPerformance> windows() {
    List<WindowPerformance> out = new ArrayList<>();
    for (int w = 0; w * windowSize < entries.size(); w++) {
      List<Entry> part = entries.subList(w * windowSize, Math.min(entries.size(), (w + 1) * windowSize));
      double[] scores = part.stream().mapToDouble(e -> e.score).toArray();
      List<Entry> labelled = part.stream().filter(e -> e.label != null).toList();
      ClassificationMetrics realized = labelled.isEmpty() ? null : ClassificationMetrics.binary(
          labelled.stream().mapToInt(e -> e.label).toArray(), labelled.stream().mapToDouble(e -> e.score).toArray(), threshold);
      out.add(new WindowPerformance(w, part.size(), labelled.size(), realized, cbpe == null ? null : cbpe.estimate(scores)));
    }
    return out;
  }
}
