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

  /** The canonical constructor: collections are copied and immutable; null strings become empty. */
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

  /** A builder for a card; fields not set stay empty ("not written yet"). */
  public static Builder builder() {
    return new Builder();
  }

  /** A copy of this card to change: {@code card.toBuilder().limitations("...").build()}. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.intendedUse = intendedUse;
    b.limitations = limitations;
    b.trainingData.addAll(trainingData);
    b.evaluationMetrics.putAll(evaluationMetrics);
    b.fairnessAnalysis = fairnessAnalysis;
    b.ethicalConsiderations = ethicalConsiderations;
    b.owners.addAll(owners);
    return b;
  }

  /** Builds a {@link ModelCard}. */
  public static final class Builder {
    private String intendedUse = "";
    private String limitations = "";
    private final List<String> trainingData = new java.util.ArrayList<>();
    private final Map<String, Double> evaluationMetrics = new java.util.LinkedHashMap<>();
    private String fairnessAnalysis = "";
    private String ethicalConsiderations = "";
    private final List<String> owners = new java.util.ArrayList<>();

    private Builder() {}

    /** What the model is for and for whom. */
    public Builder intendedUse(String text) {
      this.intendedUse = java.util.Objects.requireNonNull(text, "intendedUse");
      return this;
    }

    /** Where the model should not be used, known failure modes. */
    public Builder limitations(String text) {
      this.limitations = java.util.Objects.requireNonNull(text, "limitations");
      return this;
    }

    /** Adds a training data set (the registry prefills these from the source run's inputs). */
    public Builder trainingData(String dataset) {
      trainingData.add(java.util.Objects.requireNonNull(dataset, "trainingData"));
      return this;
    }

    /** Adds an evaluation metric (the registry prefills these from the source run's metrics). */
    public Builder evaluationMetric(String name, double value) {
      evaluationMetrics.put(java.util.Objects.requireNonNull(name, "evaluation metric name"), value);
      return this;
    }

    /** How the model behaves across groups. */
    public Builder fairnessAnalysis(String text) {
      this.fairnessAnalysis = java.util.Objects.requireNonNull(text, "fairnessAnalysis");
      return this;
    }

    /** Risks, harms and their mitigations. */
    public Builder ethicalConsiderations(String text) {
      this.ethicalConsiderations = java.util.Objects.requireNonNull(text, "ethicalConsiderations");
      return this;
    }

    /** Adds an owner (a person or team to contact). */
    public Builder owner(String owner) {
      owners.add(java.util.Objects.requireNonNull(owner, "owner"));
      return this;
    }

    /** The card. */
    public ModelCard build() {
      return new ModelCard(intendedUse, limitations, trainingData, evaluationMetrics, fairnessAnalysis, ethicalConsiderations,
          owners);
    }
  }
}
