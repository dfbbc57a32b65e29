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

/** One pass of a loop's worker: take over dead work, resolve pending rollouts, run the due retraining. Runs under the lease. */
final class Worker<T extends Output<T>> {
  private final RetrainingLoop<T> loop;
  private final RetrainingStore store;
  private final Outcomes outcomes;

  /** The lease passed to another holder: nothing more may be written under it. */
  static final class LeaseLost extends RuntimeException {
    LeaseLost(String message) {
      super(message);
    }
  }

  Worker(RetrainingLoop<T> loop) {
    this.loop = loop;
    this.store = loop.store;
    this.outcomes = new Outcomes(loop);
  }

  void runOnce() {
    long now = loop.clock.millis();
    List<Retraining> history = loop.history();
    Optional<Lease> current = store.lease(loop.name);
    List<Retraining> orphans = history.stream().filter(r -> r.state() == Retraining.State.RUNNING && (current.isEmpty()
        || current.get().until() <= now || current.get().epoch() != r.epoch())).toList();
    boolean pendingRollouts = history.stream().anyMatch(r -> r.state() == Retraining.State.ROLLOUT_PENDING);
    if (orphans.isEmpty() && !pendingRollouts && store.triggers(loop.name, true, 0, 1).isEmpty()) {
      return;
    }
    Optional<Lease> taken = store.acquire(loop.name, loop.holder, now, loop.leaseTtl.toMillis());
    if (taken.isEmpty()) {
      return; // another process works; the next poll looks again
    }
    LeaseKeeper keeper;
    try {
      keeper = LeaseKeeper.start(loop, taken.get(), now);
    } catch (RejectedExecutionException closing) {
      store.release(taken.get()); // the loop is closing: its lease thread is gone
      return;
    }
    try {
      for (Retraining r : orphans) {
        outcomes.kill(keeper, r, current);
      }
      for (Retraining r : loop.history()) {
        if (r.state() == Retraining.State.ROLLOUT_PENDING) {
          resolve(keeper, new Draft(r));
        }
      }
      history = loop.history();
      if (history.stream().anyMatch(r -> !r.state().terminal()) || loop.paused(history)) {
        return;
      }
      List<RetrainingStore.StoredTrigger> pending = store.triggers(loop.name, true, 0, 10_000);
      if (pending.isEmpty()) {
        return;
      }
      long lastEnd = history.stream().mapToLong(Retraining::updated).max().orElse(Long.MIN_VALUE);
      if (lastEnd != Long.MIN_VALUE && loop.clock.millis() < lastEnd + loop.cooldown.toMillis()) {
        return; // the follow-up waits for the cooldown; a later poll starts it
      }
      execute(keeper, pending, history);
    } finally {
      keeper.close();
      store.release(keeper.lease());
    }
  }

  static Rollout.Target target(RetrainingLoop<?> loop, Draft d) {
    return new Rollout.Target(loop.registry, loop.model, loop.alias, d.challengerVersion == null ? -1 : d.challengerVersion,
        "retraining " + d.id + ": " + d.triggers.stream().map(Trigger::reason).collect(Collectors.joining("; ")));
  }

  private void resolve(LeaseKeeper keeper, Draft d) {
    RolloutResult before = d.rollout;
    if (before == null) {
      return;
    }
    d.rolloutStarted = true;
    RolloutResult after;
    try {
      after = loop.rollout.poll(target(loop, d), before);
    } catch (RuntimeException e) {
      RetrainingLoop.LOG.warn("retraining loop {}: asking the rollout of {} where it stands failed; the next pass asks again: {}", loop.name,
          d.id, e.toString());
      return;
    }
    if (after.pending()) {
      return;
    }
    outcomes.conclude(keeper, d, after);
    outcomes.recordOnRun(d, null);
    outcomes.save(keeper, d);
    loop.publish(d.snapshot());
  }

  private void execute(LeaseKeeper keeper, List<RetrainingStore.StoredTrigger> pending, List<Retraining> history) {
    List<Trigger> triggers = new ArrayList<>();
    List<String> keys = new ArrayList<>();
    for (RetrainingStore.StoredTrigger s : pending) {
      triggers.add(LoopJson.read(s.json(), LoopJson.Entry.class).trigger());
      keys.add(s.key());
    }
    List<String> sorted = new ArrayList<>(keys);
    Collections.sort(sorted);
    String key = RetrainingLoop.digest(String.join("\n", sorted)).substring(0, 16);
    int attempt = 1 + (int) history.stream().filter(r -> r.key().equals(key)).count();
    long now = loop.clock.millis();
    Draft d = new Draft("rt-" + key.substring(0, 10) + "-" + attempt, key, attempt, triggers, loop.seed, now, keeper.lease().epoch(),
        loop.holder);
    Integer champion = loop.registry.getModel(loop.model).isPresent() ? loop.registry.aliases(loop.model).get(loop.alias) : null;
    d.championVersion = champion;
    d.registryEventSeq = loop.registry.lastEventSeq();
    loop.begin(d.id);
    if (!store.begin(keeper.lease(), now, outcomes.stored(d), keys)) {
      RetrainingLoop.LOG.warn("retraining loop {}: could not begin a retraining (lease passed on or triggers taken)", loop.name);
      return;
    }
    RetrainingLoop.LOG.info("retraining loop {}: retraining {} begins for {}", loop.name, d.id,
        triggers.stream().map(t -> t.kind() + " " + t.key()).toList());
    ActiveRun run = null;
    try {
      run = loop.tracker.newRun().experiment(loop.experiment).name("retrain " + d.id).tag(RetrainingLoop.LOOP_TAG, loop.name)
          .tag("mlops.retraining.id", d.id).tag(RetrainingLoop.KEY_TAG, key)
          .tag("mlops.retraining.trigger", triggers.stream().map(t -> t.kind().name()).distinct().collect(Collectors.joining(",")))
          .tag("mlops.retraining.reason", Outcomes.truncate(triggers.stream().map(Trigger::reason).collect(Collectors.joining("; ")), 500))
          .start();
      synchronized (d) {
        d.runId = run.id();
      }
      outcomes.save(keeper, d);
      new Challenge<>(loop, outcomes).run(keeper, d, run, triggers, history);
      outcomes.recordOnRun(d, run);
      outcomes.save(keeper, d);
    } catch (LeaseLost e) {
      stopped(d, run, e);
      return;
    } catch (Exception | LinkageError | AssertionError e) {
      try {
        failed(keeper, d, run, e);
        outcomes.recordOnRun(d, run);
        outcomes.save(keeper, d);
      } catch (LeaseLost lost) {
        stopped(d, run, lost);
        return;
      }
    }
    RetrainingLoop.LOG.info("retraining loop {}: {}", loop.name, d.snapshot());
    loop.publish(d.snapshot());
  }

  /**
   * Something threw. Before the rollout began the alias cannot have moved: FAILED, the champion untouched. After, the
   * registry decides: if the alias moved to the challenger the outcome is PROMOTED with the error as a warning.
   */
  private void failed(LeaseKeeper keeper, Draft d, @Nullable ActiveRun run, Throwable e) {
    String error = e.getClass().getName() + ": " + e.getMessage();
    if (d.rolloutStarted) {
      Optional<RegistryEvent.AliasMoved> moved;
      try {
        moved = outcomes.aliasMove(d);
      } catch (RuntimeException unreadable) {
        moved = Optional.empty();
        error += " (whether @" + loop.alias + " moved to the challenger could not be read: " + unreadable + ")";
      }
      if (moved.isPresent()) {
        RetrainingLoop.LOG.warn("retraining loop {}: after @{} moved to the challenger of {}, a step failed", loop.name, loop.alias, d.id, e);
        d.warn(error + " (after @" + loop.alias + " had moved to version " + d.challengerVersion + ": nothing was rolled back)");
        if (d.state != Retraining.State.PROMOTED) {
          outcomes.promoted(keeper, d);
        }
        return;
      }
    }
    d.state = Retraining.State.FAILED;
    d.error = error;
    RetrainingLoop.LOG.warn("retraining loop {}: retraining {} failed; the champion is untouched", loop.name, d.id, e);
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
    RetrainingLoop.LOG.error("retraining loop {}: retraining {} stopped: {}", loop.name, d.id, e.getMessage());
    if (run != null && !run.isEnded()) {
      try {
        if (loop.tracker.getRun(run.id()).info().status() == RunStatus.RUNNING) {
          run.end(RunStatus.KILLED);
        }
      } catch (RuntimeException write) {
        RetrainingLoop.LOG.warn("retraining loop {}: ending the run of {} failed", loop.name, d.id, write);
      }
    }
    loop.requestDrain();
  }
}
