package dev.mlops.retraining;

import dev.mlops.api.registry.RegistryEvent;
import dev.mlops.api.retraining.RetrainingStore;
import dev.mlops.api.retraining.RetrainingStore.Lease;
import dev.mlops.api.tracking.RunStatus;
import dev.mlops.tracking.ActiveRun;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.tribuo.Output;

/**
 * One pass of a loop's worker, under the lease: take over dead work, resolve pending rollouts, run the due retraining.
 * A retraining's stages: {@link #begin} (its record and triggers), {@link #startRun}, {@link Challenge#run} (data to
 * rollout), {@link #finish}; a failure goes to {@link #failed}, a lost lease to {@link #stopped}.
 */
final class Worker<T extends Output<T>> {
  private final LoopConfig<T> config;
  private final LoopState state;
  private final RetrainingStore store;
  private final Outcomes outcomes;

  /** The lease passed to another holder: nothing more may be written under it. */
  static final class LeaseLost extends RuntimeException {
    LeaseLost(String message) {
      super(message);
    }
  }

  Worker(LoopConfig<T> config, LoopState state) {
    this.config = config;
    this.state = state;
    this.store = config.store();
    this.outcomes = new Outcomes(config, state);
  }

  void runOnce() {
    long now = config.clock().millis();
    List<Retraining> history = config.records();
    Optional<Lease> current = store.lease(config.name());
    List<Retraining> orphans = history.stream().filter(r -> r.state() == Retraining.State.RUNNING && (current.isEmpty()
        || current.get().until() <= now || current.get().epoch() != r.epoch())).toList();
    boolean pendingRollouts = history.stream().anyMatch(r -> r.state() == Retraining.State.ROLLOUT_PENDING);
    if (orphans.isEmpty() && !pendingRollouts && config.history().pending(1).isEmpty()) {
      return;
    }
    Optional<Lease> taken = store.acquire(config.name(), config.holder(), now, config.leaseTtl().toMillis());
    if (taken.isEmpty()) {
      return; // another process works; the next poll looks again
    }
    LeaseKeeper keeper;
    try {
      keeper = LeaseKeeper.start(config, state, taken.get(), now);
    } catch (RejectedExecutionException closing) {
      store.release(taken.get()); // the loop is closing: its lease thread is gone
      return;
    }
    try {
      for (Retraining r : orphans) {
        outcomes.kill(keeper, r, current);
      }
      for (Retraining r : config.records()) {
        if (r.state() == Retraining.State.ROLLOUT_PENDING) {
          resolve(keeper, new Draft(r));
        }
      }
      retrainIfDue(keeper);
    } finally {
      keeper.close();
      store.release(keeper.lease());
    }
  }

  /** Runs a retraining if triggers wait, none is unfinished, the loop is not paused and the cooldown has passed. */
  private void retrainIfDue(LeaseKeeper keeper) {
    List<Retraining> history = config.records();
    if (history.stream().anyMatch(r -> !r.state().terminal()) || config.paused(history)) {
      return;
    }
    List<RetrainingStore.StoredTrigger> pending = config.history().pending(10_000);
    if (pending.isEmpty()) {
      return;
    }
    if (config.inCooldown(history, config.clock().millis())) {
      return; // the follow-up waits for the cooldown; a later poll starts it
    }
    retrain(keeper, pending, history);
  }

  static Rollout.Target target(LoopConfig<?> config, Draft d) {
    Integer challenger = d.challengerVersion();
    return new Rollout.Target(config.registry(), config.model(), config.alias(), challenger == null ? -1 : challenger,
        "retraining " + d.id + ": " + d.triggers.stream().map(Trigger::reason).collect(Collectors.joining("; ")));
  }

  /** Asks a pending rollout where it stands, and records its outcome once it has one. */
  private void resolve(LeaseKeeper keeper, Draft d) {
    RolloutResult before = d.rollout();
    if (before == null) {
      return;
    }
    d.markRolloutStarted();
    RolloutResult after;
    try {
      after = config.rollout().poll(target(config, d), before);
    } catch (RuntimeException e) {
      RetrainingLoop.LOG.warn("retraining loop {}: asking the rollout of {} where it stands failed; the next pass asks again: {}",
          config.name(), d.id, e.toString());
      return;
    }
    if (after.pending()) {
      return;
    }
    outcomes.conclude(keeper, d, after);
    outcomes.recordOnRun(d, null);
    outcomes.save(keeper, d);
    state.publish(d.snapshot());
  }

  /** One retraining of the pending triggers, from its record to its outcome; its listeners hear of it unless the lease was lost. */
  private void retrain(LeaseKeeper keeper, List<RetrainingStore.StoredTrigger> pending, List<Retraining> history) {
    Draft d = begin(keeper, pending, history);
    if (d == null) {
      return;
    }
    ActiveRun run = null;
    try {
      run = startRun(d);
      outcomes.save(keeper, d);
      new Challenge<>(config, outcomes).run(keeper, d, run, history);
      finish(keeper, d, run);
    } catch (LeaseLost e) {
      stopped(d, run, e);
      return;
    } catch (Exception | LinkageError | AssertionError e) {
      try {
        failed(keeper, d, run, e);
        finish(keeper, d, run);
      } catch (LeaseLost lost) {
        stopped(d, run, lost);
        return;
      }
    }
    RetrainingLoop.LOG.info("retraining loop {}: {}", config.name(), d.snapshot());
    state.publish(d.snapshot());
  }

  /**
   * Records a new retraining of the pending triggers (their idempotency keys make its key: a re-run after a crash has the
   * same key) and marks them taken, or null if the store refused (the lease passed on, or another pass took them).
   */
  private @Nullable Draft begin(LeaseKeeper keeper, List<RetrainingStore.StoredTrigger> pending, List<Retraining> history) {
    List<Trigger> triggers = new ArrayList<>();
    List<String> keys = new ArrayList<>();
    for (RetrainingStore.StoredTrigger s : pending) {
      triggers.add(LoopHistory.pendingTrigger(s));
      keys.add(s.key());
    }
    List<String> sorted = new ArrayList<>(keys);
    Collections.sort(sorted);
    String key = RetrainingLoop.digest(String.join("\n", sorted)).substring(0, 16);
    int attempt = 1 + (int) history.stream().filter(r -> r.key().equals(key)).count();
    long now = config.clock().millis();
    Draft d = new Draft("rt-" + key.substring(0, 10) + "-" + attempt, key, attempt, triggers, config.seed(), now, keeper.lease().epoch(),
        config.holder());
    d.champion(config.registry().getModel(config.model()).isPresent() ? config.registry().aliases(config.model()).get(config.alias()) : null,
        config.registry().lastEventSeq());
    state.begin(d.id);
    if (!store.begin(keeper.lease(), now, config.history().stored(d.snapshot()), keys)) {
      RetrainingLoop.LOG.warn("retraining loop {}: could not begin a retraining (lease passed on or triggers taken)", config.name());
      return null;
    }
    RetrainingLoop.LOG.info("retraining loop {}: retraining {} begins for {}", config.name(), d.id,
        triggers.stream().map(t -> t.kind() + " " + t.key()).toList());
    return d;
  }

  /** The retraining's tracked parent run, tagged with the loop, the retraining, its key and its triggers. */
  private ActiveRun startRun(Draft d) {
    ActiveRun run = config.tracker().newRun().experiment(config.experiment()).name("retrain " + d.id)
        .tag(RetrainingLoop.LOOP_TAG, config.name()).tag("mlops.retraining.id", d.id).tag(RetrainingLoop.KEY_TAG, d.key)
        .tag("mlops.retraining.trigger", d.triggers.stream().map(t -> t.kind().name()).distinct().collect(Collectors.joining(",")))
        .tag("mlops.retraining.reason", Outcomes.truncate(d.triggers.stream().map(Trigger::reason).collect(Collectors.joining("; ")), 500))
        .start();
    d.runId(run.id());
    return run;
  }

  /** Writes the outcome to the run (ending it) and the record to the store. */
  private void finish(LeaseKeeper keeper, Draft d, @Nullable ActiveRun run) {
    outcomes.recordOnRun(d, run);
    outcomes.save(keeper, d);
  }

  /**
   * Something threw. Before the rollout began the alias cannot have moved: FAILED, the champion untouched. After, the
   * registry decides: if the alias moved to the challenger the outcome is PROMOTED with the error as a warning.
   */
  private void failed(LeaseKeeper keeper, Draft d, @Nullable ActiveRun run, Throwable e) {
    String error = e.getClass().getName() + ": " + e.getMessage();
    if (d.rolloutStarted()) {
      Optional<RegistryEvent.AliasMoved> moved;
      try {
        moved = outcomes.aliasMove(d);
      } catch (RuntimeException unreadable) {
        moved = Optional.empty();
        error += " (whether @" + config.alias() + " moved to the challenger could not be read: " + unreadable + ")";
      }
      if (moved.isPresent()) {
        RetrainingLoop.LOG.warn("retraining loop {}: after @{} moved to the challenger of {}, a step failed", config.name(), config.alias(),
            d.id, e);
        d.warn(error + " (after @" + config.alias() + " had moved to version " + d.challengerVersion() + ": nothing was rolled back)");
        if (d.state() != Retraining.State.PROMOTED) {
          outcomes.promoted(keeper, d);
        }
        return;
      }
    }
    d.end(Retraining.State.FAILED, error);
    RetrainingLoop.LOG.warn("retraining loop {}: retraining {} failed; the champion is untouched", config.name(), d.id, e);
    if (run != null && !run.isEnded()) {
      try {
        run.setTag("mlops.retraining.outcome", "FAILED");
        run.fail(e);
      } catch (RuntimeException write) {
        d.warn("writing the failure to run " + run.id() + " failed: " + write);
      }
    }
  }

  /**
   * The lease was lost: nothing more may be written to the loop's history under it. The next lease holder records the
   * retraining and writes its outcome to the run (this instance asks for a pass at once, in case no other process does);
   * here the run is only ended KILLED if no one has ended it yet.
   */
  private void stopped(Draft d, @Nullable ActiveRun run, LeaseLost e) {
    RetrainingLoop.LOG.error("retraining loop {}: retraining {} stopped: {}", config.name(), d.id, e.getMessage());
    if (run != null && !run.isEnded()) {
      try {
        if (config.tracker().getRun(run.id()).info().status() == RunStatus.RUNNING) {
          run.end(RunStatus.KILLED);
        }
      } catch (RuntimeException write) {
        RetrainingLoop.LOG.warn("retraining loop {}: ending the run of {} failed", config.name(), d.id, write);
      }
    }
    state.requestDrain();
  }
}
