package dev.mlops.serving;

import java.util.ArrayList;
import java.util.List;
import org.tribuo.Example;
import org.tribuo.Output;
import org.tribuo.Prediction;

/**
 * One loaded model version as an endpoint serves it: what the endpoint needs of a model, whatever
 * its format. Tribuo models are served through a built-in implementation; a model of another
 * format (an ONNX Runtime session, a hand-written model) gets one from the {@link ModelAdapter}
 * given to {@link ModelServer.Builder#modelAdapter} for its registry flavor, and is then served
 * with the same guarantees: hot swap after a complete load and warm-up, canary, shadows, rollout
 * rules, input checks, micro-batching, and logging to monitors and prediction logs.
 *
 * <p>Rows and answers are in Tribuo's vocabulary, as everywhere on {@link Endpoint}: a row is an
 * {@link Example} whose features the endpoint has already checked against {@link #featureNames()}
 * (known names, finite values; under {@link InputPolicy#SERVE_AND_RECORD} some may be missing,
 * never none), and an answer is a {@link Prediction}. A classifier's prediction carries the class
 * probabilities as its output scores (a {@code Label} with its probability for every class): the
 * shadow comparison, {@link Served#scores()} and prediction logs (CBPE) read them. Build one with
 * {@link #classification} or {@link #regression}.
 *
 * <p>Implementations are called from many request threads at once and must be thread-safe.
 *
 * @param <T> the output type ({@code Label}, {@code Regressor}, ...)
 */
public interface ServedModel<T extends Output<T>> extends AutoCloseable {
  /** The output type of its predictions; a version whose type is not the endpoint's fails to load. */
  Class<T> outputType();

  /**
   * The features the model takes, in its input order: the order of
   * {@link Endpoint#predict(double[])} and of {@link FeatureOrder}. A feature named
   * {@code group@value} (for example {@code plan@pro}) is one value of a one-hot group, which a
   * request may give as {@code "plan": "pro"}. Read once, when the version loads.
   */
  List<String> featureNames();

  /**
   * The largest magnitude an input value may have: a request with a value beyond it gets the same
   * input problem as a value that is not finite ({@link InputProblem.Kind#NON_FINITE}), before the
   * model runs. {@code Double.MAX_VALUE} by default (every finite value); a model whose inputs are
   * float32 (an ONNX model) gives {@code Float.MAX_VALUE}. Read once, when the version loads.
   */
  default double maxMagnitude() {
    return Double.MAX_VALUE;
  }

  /** Predicts one checked row. */
  Prediction<T> predict(Example<T> row);

  /**
   * Predicts checked rows in one call (a micro-batch); the i-th prediction answers the i-th row.
   * By default one row at a time; a format with native batches (ONNX Runtime) overrides it.
   */
  default List<Prediction<T>> predictBatch(List<Example<T>> rows) {
    List<Prediction<T>> out = new ArrayList<>(rows.size());
    for (Example<T> row : rows) {
      out.add(predict(row));
    }
    return out;
  }

  /**
   * Frees what the model holds (native memory, a session). The endpoint calls it exactly once per
   * loaded version, when no request uses that version any more: after it left the versions the
   * variant keeps loaded ({@link EndpointBuilder#retainVersions}), when its load failed or was
   * overtaken before it served, or when the endpoint closes. An exception it throws is logged.
   * Nothing by default.
   */
  @Override
  default void close() {}

  /**
   * A classifier's prediction for {@code row}: the class {@code label} with its probability, and
   * every class's probability as the output scores.
   *
   * @param probabilities class label to probability; must hold {@code label}
   */
  static Prediction<org.tribuo.classification.Label> classification(Example<org.tribuo.classification.Label> row, String label,
      java.util.Map<String, Double> probabilities) {
    java.util.Map<String, org.tribuo.classification.Label> scores = new java.util.LinkedHashMap<>();
    probabilities.forEach((k, p) -> scores.put(k, new org.tribuo.classification.Label(k, p)));
    org.tribuo.classification.Label best = scores.get(label);
    if (best == null) {
      throw dev.mlops.api.InvalidArgumentException.of("label", label, "has no probability among " + probabilities.keySet());
    }
    return new Prediction<>(best, scores, row.size(), row, true);
  }

  /** A regressor's prediction of one value named {@code name} for {@code row}. */
  static Prediction<org.tribuo.regression.Regressor> regression(Example<org.tribuo.regression.Regressor> row, String name, double value) {
    return new Prediction<>(new org.tribuo.regression.Regressor(name, value), row.size(), row);
  }
}
