package dev.mlops.api.registry;

import java.util.List;

/**
 * What a model takes and gives: input features with types, the output domain (class labels or
 * regression dimensions), and an optional input example (JSON text, "" when none).
 */
public record ModelSignature(List<FeatureSpec> inputs, List<String> outputDomain, String inputExample) {
  /** No signature. */
  public static final ModelSignature NONE = new ModelSignature(List.of(), List.of(), "");

  /** The canonical constructor: collections are copied and immutable; null strings become empty. */
  public ModelSignature {
    inputs = List.copyOf(inputs);
    outputDomain = List.copyOf(outputDomain);
    inputExample = inputExample == null ? "" : inputExample;
  }
}
