package dev.mlops.api.registry;

import java.util.List;
import java.util.Map;

/**
 * Structured documentation of a model version (after Mitchell et al., "Model Cards for Model
 * Reporting"). Empty strings and collections mean "not written yet".
 */
public record ModelCard(String intendedUse, String limitations, List<String> trainingData, Map<String, Double> evaluationMetrics,
    String fairnessAnalysis, String ethicalConsiderations, List<String> owners) {
  /** An empty card. */
  public static final ModelCard EMPTY = new ModelCard("", "", List.of(), Map.of(), "", "", List.of());

  public ModelCard {
    intendedUse = intendedUse == null ? "" : intendedUse;
    limitations = limitations == null ? "" : limitations;
    trainingData = List.copyOf(trainingData);
    evaluationMetrics = Map.copyOf(evaluationMetrics);
    fairnessAnalysis = fairnessAnalysis == null ? "" : fairnessAnalysis;
    ethicalConsiderations = ethicalConsiderations == null ? "" : ethicalConsiderations;
    owners = List.copyOf(owners);
  }

  /** Whether the named field ({@code intendedUse}, {@code limitations}, ...) has content. */
  public boolean has(String field) {
    return switch (field) {
      case "intendedUse" -> !intendedUse.isBlank();
      case "limitations" -> !limitations.isBlank();
      case "trainingData" -> !trainingData.isEmpty();
      case "evaluationMetrics" -> !evaluationMetrics.isEmpty();
      case "fairnessAnalysis" -> !fairnessAnalysis.isBlank();
      case "ethicalConsiderations" -> !ethicalConsiderations.isBlank();
      case "owners" -> !owners.isEmpty();
      default -> throw dev.mlops.api.InvalidArgumentException.of("model card field", field,
          "must be one of intendedUse, limitations, trainingData, evaluationMetrics, fairnessAnalysis, ethicalConsiderations, owners");
    };
  }
}
