package dev.mlops.retraining;

import dev.mlops.api.retraining.RetrainingStore;
import dev.mlops.monitoring.Monitor;
import dev.mlops.registry.ModelRegistry;
import dev.mlops.tracking.Tracker;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.tribuo.Output;

/**
 * What a retraining needs of its loop, fixed when the loop is built: the one value the loop hands its worker and the
 * worker's parts ({@link Challenge}, {@link Outcomes}, {@link LeaseKeeper}, {@link References}).
 *
 * @param name the loop's name
 * @param outputType the models' output type
 * @param tracker where retraining runs are tracked
 * @param registry where challengers are registered and the alias moves
 * @param model the registered model the loop maintains
 * @param alias the alias it maintains
 * @param experiment the experiment of the retraining runs
 * @param store the loop's lease, triggers and retrainings
 * @param history the one reader and writer of the store's layout
 * @param monitors the watched monitors, re-referenced after a promotion
 * @param data where a retraining's rows come from
 * @param validation the checks the rows must pass
 * @param training what turns rows into a challenger
 * @param holdoutFraction the share held out when the data source gives no holdout
 * @param seed the seed of the holdout split
 * @param evaluator the metrics of challenger and champion
 * @param blessing the rule a challenger must pass
 * @param rollout how a blessed challenger reaches the alias
 * @param leaseTtl the lease's time to live
 * @param cooldown the pause after a retraining before the next
 * @param maxFailures failed attempts in a row that pause the loop (0: never)
 * @param clock the loop's clock
 * @param holder this loop instance's lease holder id
 * @param loaders how versions of flavors other than Tribuo's are loaded for evaluation, by flavor
 * @param <T> the models' output type
 */
record LoopConfig<T extends Output<T>>(String name, Class<T> outputType, Tracker tracker, ModelRegistry registry, String model, String alias,
    String experiment, RetrainingStore store, LoopHistory history, List<Monitor> monitors, TrainingDataSource<T> data,
    DataValidation validation, Training<T> training, double holdoutFraction, long seed, ModelEvaluator<T> evaluator, Blessing blessing,
    Rollout rollout, Duration leaseTtl, Duration cooldown, int maxFailures, Clock clock, String holder, Map<String, FlavorLoader<T>> loaders) {

  /** Copies the monitors and loaders. */
  LoopConfig {
    monitors = List.copyOf(monitors);
    loaders = Map.copyOf(loaders);
  }

  /** Every retraining, oldest first. */
  List<Retraining> records() {
    return history.records();
  }

  /** Whether the loop is paused on {@code records}, a history already read. */
  boolean paused(List<Retraining> records) {
    return history.paused(records, maxFailures);
  }

  /**
   * Whether {@code now} falls in the cooldown after the newest ended retraining of {@code records}: counted from when it
   * ended ({@link Retraining#ended()}), not from its last write, so a record written again after it ended (its warnings,
   * its run's outcome) does not stretch it; a zero cooldown holds nothing back.
   */
  boolean inCooldown(List<Retraining> records, long now) {
    if (cooldown.isZero()) {
      return false;
    }
    long lastEnd = lastEnd(records);
    return lastEnd != Long.MIN_VALUE && now < lastEnd + cooldown.toMillis();
  }

  /** When the newest ended retraining of {@code records} ended, or {@code Long.MIN_VALUE} if none has. */
  static long lastEnd(List<Retraining> records) {
    return records.stream().filter(r -> r.state().terminal()).mapToLong(r -> r.ended() > 0 ? r.ended() : r.updated()).max()
        .orElse(Long.MIN_VALUE);
  }
}
