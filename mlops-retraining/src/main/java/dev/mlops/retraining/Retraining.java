package dev.mlops.retraining;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One retraining of a loop, as its history keeps it: the trigger, the data, the validation, both
 * models' metrics, the blessing decision with its figures and the rollout.
 *
 * @param id its id, unique in the loop
 * @param key the idempotency key of its trigger set: a retraining re-run after a crash has the same key and reuses a registered challenger
 * @param attempt 1 for the first run of this key, 2 after one crash, ...
 * @param state where it ended (or stands)
 * @param triggers the triggers it serves, coalesced
 * @param runId its tracked parent run, once started
 * @param championVersion the version the alias served when it began
 * @param challengerVersion the registered challenger
 * @param seed the seed of the holdout split
 * @param trainRows training rows
 * @param holdoutRows held-out rows
 * @param trainDigest digest of the training rows
 * @param holdoutDigest digest of the held-out rows
 * @param lineage where the rows came from, as the data source said
 * @param validation the data validation
 * @param challengerMetrics the challenger's metrics on the holdout
 * @param championMetrics the champion's metrics on the same holdout
 * @param blessing the blessing decision; null when the retraining stopped before its blessing (its data refused, training
 *     or evaluation failed, killed before it, or still running): {@link #blessingDecision()} says so without a null
 * @param rollout the rollout
 * @param referenceDigest digest of the reference profiles prepared for the watched monitors (the run's {@code reference/}
 *     artifacts), set before the alias moves; they are applied once the alias serves the challenger
 * @param references what each watched monitor's new reference is made of
 * @param error the error of a failed or killed retraining
 * @param warnings what went wrong without changing the outcome: a step after the alias had moved to the challenger (the
 *     outcome stays PROMOTED: nothing was rolled back), a write to the run, or how another lease holder completed the
 *     record after its own holder stopped
 * @param created when it began
 * @param updated its last write (later than {@link #ended()} when the record was written again after it ended: warnings,
 *     the run's outcome)
 * @param ended when its first write in a terminal state was made, the time a cooldown counts from; 0 while it runs (and
 *     on records stored before this field existed, whose {@code updated} stands in)
 * @param epoch the lease epoch it ran under
 * @param holder the loop instance that ran it
 * @param registryEventSeq the registry's newest event when it began: the alias moves after it are the ones its rollout can
 *     have caused
 */
public record Retraining(String id, String key, int attempt, State state, List<Trigger> triggers, @Nullable String runId,
    @Nullable Integer championVersion, @Nullable Integer challengerVersion, long seed, int trainRows, int holdoutRows,
    @Nullable String trainDigest, @Nullable String holdoutDigest, Map<String, String> lineage, @Nullable ValidationResult validation,
    Map<String, Double> challengerMetrics, Map<String, Double> championMetrics, @Nullable BlessingDecision blessing,
    @Nullable RolloutResult rollout, @Nullable String referenceDigest, List<Reference> references, @Nullable String error,
    List<String> warnings, long created, long updated, long ended, long epoch, String holder, long registryEventSeq) {

  /** Retraining states. */
  public enum State {
    /** Running (or its process died; the next lease holder marks it KILLED). */
    RUNNING,
    /** Blessed and registered; the rollout waits for approvals or for a canary's verdict (the loop polls it). */
    ROLLOUT_PENDING,
    /** The data failed validation: nothing was trained. */
    DATA_REFUSED,
    /** The challenger failed the blessing rule: not rolled out. */
    NOT_BLESSED,
    /** Training, evaluation, registration or a check before the rollout threw: the alias never moved to the challenger. */
    FAILED,
    /** Its process died or lost the lease mid-way. */
    KILLED,
    /**
     * The alias moved to the challenger (the registry's history shows the move). What failed afterwards (re-referencing
     * a monitor, writing to the run, the rollout's own report) is in {@link Retraining#warnings()}.
     */
    PROMOTED,
    /** A gate or an approver refused the promotion. */
    REJECTED,
    /** The rollout failed with an error before the alias moved to the challenger. */
    ROLLOUT_FAILED;

    /** Whether nothing more will happen to it. */
    public boolean terminal() {
      return this != RUNNING && this != ROLLOUT_PENDING;
    }

    /** Whether it counts as a failed attempt (towards the automatic pause). */
    public boolean failure() {
      return this == FAILED || this == KILLED || this == ROLLOUT_FAILED;
    }
  }

  /**
   * A watched monitor's new reference, as a promotion prepared it: the columns the challenger's training rows hold are
   * profiled from them; the others (a label column, a column the model does not use) keep their previous profile, never
   * filled with invented values.
   *
   * @param monitor the monitor's name
   * @param fromTraining its columns profiled from the challenger's training rows
   * @param keptFromPrevious its columns the training rows do not hold, whose previous profile was kept
   */
  public record Reference(String monitor, List<String> fromTraining, List<String> keptFromPrevious) {
    /** Copies. */
    public Reference {
      fromTraining = List.copyOf(fromTraining);
      keptFromPrevious = List.copyOf(keptFromPrevious);
    }
  }

  /** Copies (a record stored by an earlier version reads with no references and no warnings). */
  public Retraining {
    triggers = List.copyOf(triggers);
    lineage = Map.copyOf(lineage);
    challengerMetrics = Map.copyOf(challengerMetrics);
    championMetrics = Map.copyOf(championMetrics);
    references = references == null ? List.of() : List.copyOf(references);
    warnings = warnings == null ? List.of() : List.copyOf(warnings);
  }

  /**
   * The blessing decision, or empty when the retraining stopped before its blessing: its data refused
   * ({@link State#DATA_REFUSED}), training or evaluation failed ({@link State#FAILED}), killed before
   * it ({@link State#KILLED}), or still running.
   */
  public Optional<BlessingDecision> blessingDecision() {
    return Optional.ofNullable(blessing);
  }

  @Override
  public String toString() {
    return "Retraining[" + id + " " + state + ", triggers " + triggers.stream().map(t -> t.kind() + ": " + t.reason()).toList()
        + (challengerVersion == null ? "" : ", challenger v" + challengerVersion) + (championVersion == null ? "" : ", champion v" + championVersion)
        + (blessing == null ? "" : ", " + blessing.reason()) + (rollout == null ? "" : ", rollout " + rollout.state()) + (error == null ? "" : ", error " + error)
        + (warnings.isEmpty() ? "" : ", warnings " + warnings) + "]";
  }
}
