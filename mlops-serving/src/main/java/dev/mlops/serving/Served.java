package dev.mlops.serving;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.tribuo.Output;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;

/**
 * One answered request: what the model predicted, which model version and variant answered, and how
 * long it took.
 *
 * @param prediction Tribuo's prediction (output, scores, feature counts)
 * @param model the registered model's name
 * @param version the version that answered
 * @param variant the variant that answered ({@code champion}, {@code canary}, an arm's name)
 * @param requestId the request's id, to join feedback ({@link Endpoint#feedback}) later
 * @param latencyNanos time spent in {@link Endpoint#predict}, from entry to return
 * @param problems input problems served anyway (only under {@link InputPolicy#SERVE_AND_RECORD})
 * @param <T> the output type
 */
public record Served<T extends Output<T>>(Prediction<T> prediction, String model, int version, String variant, String requestId,
    long latencyNanos, List<String> problems) {
  public Served {
    Objects.requireNonNull(prediction, "prediction");
    problems = List.copyOf(problems);
  }

  /** The predicted output (a {@code Label}, a {@code Regressor}, ...). */
  public T output() {
    return prediction.getOutput();
  }

  /** The output's text form: the label of a classifier, the values of a regressor. */
  public String outputText() {
    return prediction.getOutput().getSerializableForm(false);
  }

  /** The score of every output the model scores (class probabilities when the model produces them), by output text. */
  public Map<String, Double> scores() {
    Map<String, Double> out = new LinkedHashMap<>();
    if (prediction.hasProbabilities() || prediction.getOutput() instanceof Label) {
      prediction.getOutputScores().forEach((k, v) -> {
        if (v instanceof Label l) {
          out.put(k, l.getScore());
        }
      });
    }
    return out;
  }

  /** The score of the predicted output, or NaN when the model does not score. */
  public double score() {
    return prediction.getOutput() instanceof Label l ? l.getScore() : Double.NaN;
  }

  @Override
  public String toString() {
    double s = score();
    return "Served[" + outputText() + (Double.isNaN(s) ? "" : String.format(Locale.ROOT, " (%.3f)", s)) + " by " + model + " v" + version
        + " (" + variant + "), request " + requestId + String.format(Locale.ROOT, ", %.1f µs", latencyNanos / 1000.0)
        + (problems.isEmpty() ? "" : ", problems " + problems) + "]";
  }
}
