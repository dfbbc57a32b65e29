package dev.mlops.onnx;

import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One row's prediction: a classifier's label with its class scores (probabilities when the graph
 * computes probabilities), or a regressor's value. Immutable.
 */
public final class OnnxPrediction {
  private final @Nullable String label;
  private final double value;
  private final Map<String, Double> scores;
  private final boolean probabilities;

  private OnnxPrediction(@Nullable String label, double value, Map<String, Double> scores, boolean probabilities) {
    this.label = label;
    this.value = value;
    this.scores = scores;
    this.probabilities = probabilities;
  }

  static OnnxPrediction classified(String label, Map<String, Double> scores, boolean probabilities) {
    return new OnnxPrediction(label, Double.NaN, scores, probabilities);
  }

  static OnnxPrediction regressed(double value) {
    return new OnnxPrediction(null, value, Map.of(), false);
  }

  /** Whether this is a classifier's prediction (else a regressor's). */
  public boolean isClassification() {
    return label != null;
  }

  /**
   * The predicted class.
   *
   * @throws IllegalStateException for a regressor's prediction, which has a {@link #value()} instead
   */
  public String label() {
    if (label == null) {
      throw new IllegalStateException("a regressor's prediction has no label; read value()");
    }
    return label;
  }

  /**
   * The predicted value.
   *
   * @throws IllegalStateException for a classifier's prediction, which has a {@link #label()} instead
   */
  public double value() {
    if (label != null) {
      throw new IllegalStateException("a classifier's prediction has no value; read label() and scores()");
    }
    return value;
  }

  /**
   * Each class's score, in the model's class order: probabilities or raw scores such as logits (see
   * {@link #hasProbabilities()}). Empty for a regressor, and for a classifier whose graph gives labels only.
   */
  public Map<String, Double> scores() {
    return scores;
  }

  /** Whether {@link #scores()} are class probabilities (a ZipMap output, or computed by Softmax in the graph). */
  public boolean hasProbabilities() {
    return probabilities;
  }

  /** Each class's probability, in class order; empty unless {@link #hasProbabilities()}. */
  public Map<String, Double> probabilities() {
    return probabilities ? scores : Map.of();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof OnnxPrediction p && Objects.equals(label, p.label) && Double.compare(value, p.value) == 0
        && scores.equals(p.scores) && probabilities == p.probabilities;
  }

  @Override
  public int hashCode() {
    return Objects.hash(label, value, scores, probabilities);
  }

  @Override
  public String toString() {
    return label != null ? label + (scores.isEmpty() ? "" : " " + (probabilities ? "probabilities " : "scores ") + scores)
        : Double.toString(value);
  }
}
