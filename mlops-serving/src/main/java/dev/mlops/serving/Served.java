package dev.mlops.serving;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.tribuo.Output;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;

/**
 * One answered request: what the model predicted, which model version and variant answered, and how
 * long it took. Immutable.
 *
 * @param <T> the output type
 */
public final class Served<T extends Output<T>> {
  private final Prediction<T> prediction;
  private final String model;
  private final int version;
  private final String variant;
  private final String idPrefix;
  private final long idNumber;
  private final long latencyNanos;
  private final List<InputProblem> problems;
  private @Nullable String requestId;

  Served(Prediction<T> prediction, String model, int version, String variant, String idPrefix, long idNumber, long latencyNanos,
      List<InputProblem> problems) {
    this.prediction = Objects.requireNonNull(prediction, "prediction");
    this.model = model;
    this.version = version;
    this.variant = variant;
    this.idPrefix = idPrefix;
    this.idNumber = idNumber;
    this.latencyNanos = latencyNanos;
    this.problems = problems.isEmpty() ? List.of() : List.copyOf(problems);
  }

  /** Tribuo's prediction (output, scores, feature counts). */
  public Prediction<T> prediction() {
    return prediction;
  }

  /** The registered model's name. */
  public String model() {
    return model;
  }

  /** The version that answered. */
  public int version() {
    return version;
  }

  /** The variant that answered: {@code champion}, {@code canary}, an arm's name. */
  public String variant() {
    return variant;
  }

  /** The request's id, unique within the endpoint, to join feedback ({@link Endpoint#feedback}) later. */
  public String requestId() {
    String id = requestId;
    if (id == null) {
      id = idPrefix + Long.toString(idNumber, 36);
      requestId = id;
    }
    return id;
  }

  /** Time spent in {@link Endpoint#predict}, from entry to return, in nanoseconds. */
  public long latencyNanos() {
    return latencyNanos;
  }

  /** Input problems served anyway (only under {@link InputPolicy#SERVE_AND_RECORD}). */
  public List<InputProblem> problems() {
    return problems;
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
    prediction.getOutputScores().forEach((k, v) -> {
      if (v instanceof Label l) {
        out.put(k, l.getScore());
      }
    });
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
        + " (" + variant + "), request " + requestId() + String.format(Locale.ROOT, ", %.1f µs", latencyNanos / 1000.0)
        + (problems.isEmpty() ? "" : ", problems " + problems) + "]";
  }
}
