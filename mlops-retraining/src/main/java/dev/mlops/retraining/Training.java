package dev.mlops.retraining;

import dev.mlops.api.internal.Validation;
import org.tribuo.Dataset;
import org.tribuo.Model;
import org.tribuo.Output;
import org.tribuo.Trainer;

/** Trains a challenger: a Tribuo {@link Trainer}, or any code returning a {@link Model}. */
@FunctionalInterface
public interface Training<T extends Output<T>> {
  /** Trains on {@code train}; throwing fails the retraining (recorded, champion untouched). */
  Model<T> train(Dataset<T> train, RetrainingContext context) throws Exception;

  /** A Tribuo trainer, seeded per retraining only through the trainer's own configuration. */
  static <T extends Output<T>> Training<T> of(Trainer<T> trainer) {
    Validation.notNull("trainer", trainer);
    return (train, context) -> trainer.train(train);
  }
}
