package dev.mlops.onnx.serving;

import dev.mlops.onnx.OnnxModel;
import dev.mlops.onnx.OnnxPrediction;
import dev.mlops.serving.FeatureOrder;
import dev.mlops.serving.ServedModel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tribuo.Example;
import org.tribuo.Output;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.regression.Regressor;

/**
 * An open ONNX model as an endpoint serves it: rows (already checked by the endpoint against the
 * feature names) become float rows in the signature's feature order, a micro-batch one [N, F] run.
 * A feature a row lacks (only under {@code SERVE_AND_RECORD}) is 0, as in a Tribuo model's sparse
 * rows. Thread-safe: {@link OnnxModel} is.
 */
abstract sealed class ServedOnnxModel<T extends Output<T>> implements ServedModel<T> {
  final OnnxModel model;
  private final List<String> features;
  private final FeatureOrder order;

  ServedOnnxModel(OnnxModel model) {
    this.model = model;
    this.features = model.signature().featureNames();
    this.order = FeatureOrder.of(features);
  }

  @Override
  public final List<String> featureNames() {
    return features;
  }

  /** Float32's largest value when any input is float, so the endpoint refuses a larger one as an input problem. */
  @Override
  public final double maxMagnitude() {
    return model.signature().features().stream().anyMatch(f -> f.type().equals("float")) ? Float.MAX_VALUE : Double.MAX_VALUE;
  }

  @Override
  public final Prediction<T> predict(Example<T> row) {
    return answer(row, model.predict(order.floats(row)));
  }

  /** One run of the graph for the whole batch (row by row only when the graph fixes its batch dimension to 1). */
  @Override
  public final List<Prediction<T>> predictBatch(List<Example<T>> rows) {
    float[][] input = new float[rows.size()][];
    for (int i = 0; i < input.length; i++) {
      input[i] = order.floats(rows.get(i));
    }
    List<OnnxPrediction> predicted = model.predictBatch(input);
    List<Prediction<T>> out = new ArrayList<>(input.length);
    for (int i = 0; i < input.length; i++) {
      out.add(answer(rows.get(i), predicted.get(i)));
    }
    return out;
  }

  abstract Prediction<T> answer(Example<T> row, OnnxPrediction p);

  private volatile boolean closed;

  /** Frees the session after the predictions in flight have finished. */
  @Override
  public final void close() {
    model.close();
    closed = true;
  }

  /** Whether {@link #close()} has freed the session. */
  boolean isClosed() {
    return closed;
  }

  @Override
  public String toString() {
    return "Served" + model;
  }

  /**
   * A classifier: the label with every class's probability as the output scores, as a Tribuo
   * classifier's prediction carries them (shadow comparisons, prediction logs and CBPE read them).
   * Scores the graph does not mark as probabilities (logits) are turned into probabilities with a
   * softmax; a graph that gives labels only gives a prediction without scores.
   */
  static final class Classifier extends ServedOnnxModel<Label> {
    Classifier(OnnxModel model) {
      super(model);
    }

    @Override
    public Class<Label> outputType() {
      return Label.class;
    }

    @Override
    Prediction<Label> answer(Example<Label> row, OnnxPrediction p) {
      if (p.scores().isEmpty()) {
        return new Prediction<>(new Label(p.label()), row.size(), row);
      }
      return ServedModel.classification(row, p.label(), p.hasProbabilities() ? p.scores() : softmax(p.scores()));
    }

    /** exp(s - max) / sum, in double. */
    static Map<String, Double> softmax(Map<String, Double> scores) {
      double max = Double.NEGATIVE_INFINITY;
      for (double s : scores.values()) {
        max = Math.max(max, s);
      }
      double sum = 0;
      Map<String, Double> out = new LinkedHashMap<>();
      for (Map.Entry<String, Double> e : scores.entrySet()) {
        double x = Math.exp(e.getValue() - max);
        out.put(e.getKey(), x);
        sum += x;
      }
      for (Map.Entry<String, Double> e : out.entrySet()) {
        e.setValue(e.getValue() / sum);
      }
      return out;
    }
  }

  /** A regressor: one value per row, named as the graph output that gives it. */
  static final class Regression extends ServedOnnxModel<Regressor> {
    private final String name;

    Regression(OnnxModel model, String name) {
      super(model);
      this.name = name;
    }

    @Override
    public Class<Regressor> outputType() {
      return Regressor.class;
    }

    @Override
    Prediction<Regressor> answer(Example<Regressor> row, OnnxPrediction p) {
      return ServedModel.regression(row, name, p.value());
    }
  }
}
