package dev.mlops.retraining;

import java.util.List;
import java.util.OptionalInt;

/**
 * What a retraining's data source and training function know about it.
 *
 * @param loop the loop's name
 * @param retrainingId this retraining's id
 * @param runId its tracked parent run
 * @param triggers the triggers it serves (coalesced)
 * @param championVersion the version the alias serves now, if any
 * @param seed the seed of its split and of any randomness the training wants
 * @param time when it began, epoch milliseconds
 */
public record RetrainingContext(String loop, String retrainingId, String runId, List<Trigger> triggers, OptionalInt championVersion,
    long seed, long time) {
  /** Copies the triggers. */
  public RetrainingContext {
    triggers = List.copyOf(triggers);
  }
}
