package dev.mlops.mlflow;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mlops.api.registry.FeatureSpec;
import dev.mlops.api.registry.ModelSignature;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The input signature of an MLflow {@code MLmodel} file: its {@code signature.inputs}, a JSON list
 * that MLflow writes as a YAML single-quoted string (which PyYAML folds over several lines when it
 * is long). Column-based inputs give their names in order, so a registry flavor (ONNX) knows the
 * graph's columns; a tensor-based signature names none and gives nothing.
 */
final class MlmodelFile {
  private MlmodelFile() {}

  static Optional<ModelSignature> signature(String mlmodel) {
    String[] lines = mlmodel.split("\r?\n");
    boolean inSignature = false;
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      if (!line.startsWith(" ") && !line.isBlank()) {
        inSignature = line.startsWith("signature:");
        continue;
      }
      String t = line.strip();
      if (inSignature && t.startsWith("inputs: '")) {
        StringBuilder s = new StringBuilder(t.substring("inputs: '".length()));
        while (!closed(s) && i + 1 < lines.length) {
          s.append(' ').append(lines[++i].strip());
        }
        if (!closed(s)) {
          return Optional.empty();
        }
        return names(s.substring(0, s.length() - 1).replace("''", "'"));
      }
    }
    return Optional.empty();
  }

  /** Whether a single-quoted scalar's text ends with its closing quote (a doubled quote is an escaped one). */
  private static boolean closed(CharSequence s) {
    int quotes = 0;
    for (int i = s.length() - 1; i >= 0 && s.charAt(i) == '\''; i--) {
      quotes++;
    }
    return quotes % 2 == 1;
  }

  private static Optional<ModelSignature> names(String json) {
    try {
      JsonNode inputs = Wire.JSON.readTree(json);
      List<FeatureSpec> features = new ArrayList<>();
      for (JsonNode in : inputs) {
        if (!in.hasNonNull("name")) {
          return Optional.empty();
        }
        features.add(new FeatureSpec(in.path("name").asText(), ""));
      }
      return features.isEmpty() ? Optional.empty() : Optional.of(new ModelSignature(features, List.of(), ""));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      return Optional.empty();
    }
  }
}
