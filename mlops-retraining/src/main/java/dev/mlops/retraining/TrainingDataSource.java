package dev.mlops.retraining;

import org.tribuo.Output;

/** Supplies the rows a retraining trains on, for example the labelled rows of the last windows. */
@FunctionalInterface
public interface TrainingDataSource<T extends Output<T>> {
  /** The data for this retraining; throwing fails the retraining (recorded, champion untouched). */
  TrainingData<T> fetch(RetrainingContext context) throws Exception;
}
