package dev.mlops.retraining;

import dev.mlops.api.InvalidArgumentException;
import dev.mlops.api.internal.Validation;
import dev.mlops.api.tracking.Run;
import dev.mlops.tracking.ActiveRun;
import dev.mlops.tracking.Sweep;
import dev.mlops.tracking.Tracker;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.tribuo.Dataset;
import org.tribuo.Model;
import org.tribuo.Output;
import org.tribuo.Trainer;

/** Trains a challenger: a Tribuo {@link Trainer}, a {@link Sweep} of trainers, or any code returning a {@link Model}. */
@FunctionalInterface
public interface Training<T extends Output<T>> {
  /** Trains on {@code train}; throwing fails the retraining (recorded, champion untouched). */
  Model<T> train(Dataset<T> train, RetrainingContext context) throws Exception;

  /**
   * What the loop calls: trains on {@code train}, with the retraining's {@code holdout} (which the
   * challenger is then judged on: a training must not fit to it) and its {@code run}, to record what
   * the training did (parameters, tags, texts; the loop ends the run). The default calls
   * {@link #train(Dataset, RetrainingContext)}; {@link ExternalTraining} writes both sets of rows
   * for its process. Throwing fails the retraining (recorded, champion untouched).
   */
  default Model<T> train(Dataset<T> train, Dataset<T> holdout, RetrainingContext context, ActiveRun run) throws Exception {
    return train(train, context);
  }

  /** A Tribuo trainer, seeded per retraining only through the trainer's own configuration. */
  static <T extends Output<T>> Training<T> of(Trainer<T> trainer) {
    Validation.notNull("trainer", trainer);
    return (train, context) -> trainer.train(train);
  }

  /**
   * A sweep that chooses the challenger's parameters. The training rows are split again (seeded by
   * the retraining's seed): each trial trains on one part and is scored by {@code evaluator} on the
   * other, as child runs of the sweep's parent run in {@code experiment}, itself a child of the
   * retraining's run (trials are tagged with the retraining's id); the trial best by the sweep's objective is then retrained on all the training
   * rows. The loop's holdout never reaches the sweep, so the champion-challenger comparison is not
   * spent on choosing parameters.
   *
   * @param trainers the trainer for one trial's parameters
   * @param validationFraction the share of the training rows the trials are scored on
   */
  static <T extends Output<T>> Training<T> sweep(Tracker tracker, String experiment, Sweep sweep,
      Function<Map<String, Object>, Trainer<T>> trainers, ModelEvaluator<T> evaluator, double validationFraction) {
    Validation.notNull("tracker", tracker);
    Validation.key("experiment", experiment);
    Validation.notNull("sweep", sweep);
    Validation.notNull("trainers", trainers);
    Validation.notNull("evaluator", evaluator);
    if (!(validationFraction > 0 && validationFraction < 1)) {
      throw InvalidArgumentException.of("validationFraction", validationFraction, "must be in (0, 1)");
    }
    return (train, context) -> {
      List<Dataset<T>> parts = Rows.split(train, validationFraction, context.seed());
      Sweep.Result result = sweep.run(tracker, experiment, context.runId(), (params, run) -> {
        run.setTag("mlops.retraining.id", context.retrainingId());
        Model<T> m = trainers.apply(params).train(parts.get(0));
        Map<String, Double> metrics = new LinkedHashMap<>();
        evaluator.evaluate(m, parts.get(1)).metrics().forEach((k, v) -> {
          if (v != null && Double.isFinite(v)) {
            metrics.put(k, v);
          }
        });
        run.logMetrics(metrics, 0);
      });
      Run best = result.best().orElseThrow(() -> new IllegalStateException("no trial of the sweep " + result.parentRunId()
          + " logged its objective (" + result.failures() + " of " + sweep.trials().size() + " failed)"));
      Map<String, Object> chosen = sweep.trials().stream().filter(p -> p.entrySet().stream()
          .allMatch(e -> String.valueOf(e.getValue()).equals(best.params().get(e.getKey())))).findFirst()
          .orElseThrow(() -> new IllegalStateException("the best trial's params " + best.params() + " match no trial"));
      tracker.store().logBatch(context.runId(), List.of(), Map.of(), Map.of("mlops.retraining.sweep_run_id", result.parentRunId(),
          "mlops.retraining.sweep_best_run_id", best.id()));
      return trainers.apply(chosen).train(train);
    };
  }
}
