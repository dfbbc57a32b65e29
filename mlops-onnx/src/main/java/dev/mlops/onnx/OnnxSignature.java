package dev.mlops.onnx;

import dev.mlops.api.registry.FeatureSpec;
import java.util.List;

/**
 * What an ONNX model takes and gives, as registration worked it out from the graph and the
 * registration's mapping, and as every load uses it.
 *
 * @param task whether the model classifies or regresses
 * @param features the named features with their element types: for a graph with one [N, F] input
 *     tensor, in the order of its columns; for a graph with one input per feature, in the order
 *     float-array rows give them
 * @param classes a classifier's class labels, in the order of its score columns; empty for a regressor
 * @param probabilities whether a classifier's scores are probabilities (a ZipMap output, or
 *     computed by Softmax); scores such as logits are not
 * @param outputs each graph output with the role it plays
 * @param graph what the file declares (producer, opsets, declared shapes)
 */
public record OnnxSignature(Task task, List<FeatureSpec> features, List<String> classes, boolean probabilities, List<Output> outputs,
    OnnxGraph graph) {

  /** What a model predicts. */
  public enum Task {
    /** A class label per row, with class scores when the graph gives them. */
    CLASSIFICATION,
    /** A number per row. */
    REGRESSION
  }

  /** The role a graph output plays in a prediction. */
  public enum Role {
    /** The predicted class of each row. */
    LABEL,
    /** Class probabilities per row: a tensor [N, C] computed by Softmax, or a ZipMap (a sequence of class-to-probability maps). */
    PROBABILITIES,
    /** Class scores per row that are not known to be probabilities (logits, for example); the label is their arg max unless a label output exists. */
    SCORES,
    /** A regressor's value per row. */
    VALUE,
    /** Not read. */
    UNUSED
  }

  /**
   * A graph output.
   *
   * @param name its name
   * @param type its type as ONNX Runtime reports it, such as {@code float[N,3]} or {@code seq(map(string,float))}
   * @param role what it gives
   */
  public record Output(String name, String type, Role role) {}

  /** Collections are copied. */
  public OnnxSignature {
    features = List.copyOf(features);
    classes = List.copyOf(classes);
    outputs = List.copyOf(outputs);
  }

  /** The feature names, in order. */
  public List<String> featureNames() {
    return features.stream().map(FeatureSpec::name).toList();
  }
}
