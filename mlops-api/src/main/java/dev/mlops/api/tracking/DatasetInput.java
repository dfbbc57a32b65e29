package dev.mlops.api.tracking;

import dev.mlops.api.internal.Validation;

/**
 * A dataset logged as an input of a run.
 *
 * @param dataset the dataset
 * @param context how the run used it, for example {@code training} or {@code evaluation}
 */
public record DatasetInput(Dataset dataset, String context) {
  /** Context for training data. */
  public static final String TRAINING = "training";
  /** Context for evaluation data. */
  public static final String EVALUATION = "evaluation";

  /** The canonical constructor: invalid components are refused. */
  public DatasetInput {
    Validation.notNull("dataset", dataset);
    Validation.name("dataset context", context, 250);
  }
}
