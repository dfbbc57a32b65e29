package dev.mlops.onnx;

import dev.mlops.api.InvalidArgumentException;
import dev.mlops.api.registry.FeatureSpec;
import dev.mlops.api.registry.ModelSignature;
import dev.mlops.onnx.internal.Names;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What an ONNX graph does not say about itself, given at registration as the version's signature
 * ({@code Registration.signature(mapping.signature())}): the names of its features in the order of
 * its input tensor's columns, and the labels of its classes in the order of its score columns.
 *
 * <pre>{@code
 * registry.register(Registration.of("iris").fromFile(path).flavor("onnx")
 *     .signature(OnnxMapping.features("sepal_length", "sepal_width", "petal_length", "petal_width")
 *         .classes("setosa", "versicolor", "virginica").signature()));
 * }</pre>
 *
 * <p>A graph with one input per feature names its features itself, and a ZipMap output names its
 * classes; metadata_props {@code feature_names} and {@code class_labels} (comma-separated) do too.
 * Names given here must then agree with the graph's. Immutable.
 */
public final class OnnxMapping {
  private final List<String> features;
  private final List<String> classes;

  private OnnxMapping(List<String> features, List<String> classes) {
    this.features = features;
    this.classes = classes;
  }

  /** A mapping that names nothing: for graphs that name their features and classes themselves. */
  public static OnnxMapping none() {
    return new OnnxMapping(List.of(), List.of());
  }

  /**
   * The features, in the order of the input tensor's columns.
   *
   * @throws InvalidArgumentException if a name is blank or repeated
   */
  public static OnnxMapping features(String... names) {
    return features(names == null ? null : Arrays.asList(names));
  }

  /** The features, in the order of the input tensor's columns. @throws InvalidArgumentException if a name is blank or repeated */
  public static OnnxMapping features(List<String> names) {
    return new OnnxMapping(checked("features", names), List.of());
  }

  /**
   * The same features with these class labels, in the order of the graph's score columns (or of a
   * ZipMap's integer keys).
   *
   * @throws InvalidArgumentException if a label is blank or repeated
   */
  public OnnxMapping classes(String... labels) {
    return classes(labels == null ? null : Arrays.asList(labels));
  }

  /** The same features with these class labels, in score-column order. @throws InvalidArgumentException if a label is blank or repeated */
  public OnnxMapping classes(List<String> labels) {
    return new OnnxMapping(features, checked("classes", labels));
  }

  /** The feature names. */
  public List<String> features() {
    return features;
  }

  /** The class labels. */
  public List<String> classes() {
    return classes;
  }

  /** The signature to register with: features in order (their types come from the graph), classes as the output domain. */
  public ModelSignature signature() {
    List<FeatureSpec> inputs = new ArrayList<>();
    for (String f : features) {
      inputs.add(new FeatureSpec(f, ""));
    }
    return new ModelSignature(inputs, classes, "");
  }

  private static List<String> checked(String field, List<String> names) {
    Names.checkDistinct(field, names);
    return List.copyOf(names);
  }

  @Override
  public String toString() {
    return "OnnxMapping[features=" + features + ", classes=" + classes + "]";
  }
}
