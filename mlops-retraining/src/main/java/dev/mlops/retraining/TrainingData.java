package dev.mlops.retraining;

import dev.mlops.api.internal.Validation;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.tribuo.Dataset;
import org.tribuo.Output;

/**
 * What a retraining trains and evaluates on, as a {@link TrainingDataSource} returns it.
 *
 * @param train the training rows
 * @param holdout held-out rows both models are evaluated on; null to split {@code train} with the loop's seed
 * @param lineage where the rows came from (for example the monitor windows or a query), recorded on the run
 * @param <T> the output type
 */
public record TrainingData<T extends Output<T>>(Dataset<T> train, @Nullable Dataset<T> holdout, Map<String, String> lineage) {
  /** Checks and copies. */
  public TrainingData {
    Validation.notNull("train", train);
    lineage = Map.copyOf(lineage);
  }

  /** Training rows only: the loop splits off the holdout with its seed. */
  public static <T extends Output<T>> TrainingData<T> of(Dataset<T> train, Map<String, String> lineage) {
    return new TrainingData<>(train, null, lineage);
  }

  /** Training rows and a separate holdout. */
  public static <T extends Output<T>> TrainingData<T> of(Dataset<T> train, Dataset<T> holdout, Map<String, String> lineage) {
    return new TrainingData<>(train, Validation.notNull("holdout", holdout), lineage);
  }
}
