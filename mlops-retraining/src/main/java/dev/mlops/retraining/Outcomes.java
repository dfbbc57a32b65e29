package dev.mlops.retraining;

import dev.mlops.api.NotFoundException;
import dev.mlops.api.internal.Validation;
import dev.mlops.api.registry.RegistryEvent;
import dev.mlops.api.retraining.RetrainingStore;
import dev.mlops.api.retraining.RetrainingStore.Lease;
import dev.mlops.api.tracking.RunStatus;
import dev.mlops.tracking.ActiveRun;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Where a retraining ended, written under the lease. The registry's history is the authority: a retraining whose
 * challenger reached the alias is PROMOTED, whatever failed around it (recorded as warnings); one whose challenger
 * never did is not, whatever its rollout reported. This holds for retraining records written by the process that ran
 * them and for those the next lease holder completes after their process stopped.
 */
final class Outcomes {
  private final LoopConfig<?> config;
  private final LoopState state;
  private final RetrainingStore store;

  Outcomes(LoopConfig<?> config, LoopState state) {
    this.config = config;
    this.state = state;
    this.store = config.store();
  }

  /** Writes the record under the lease (a fenced write). */
  void save(LeaseKeeper keeper, Draft d) {
    long now = config.clock().millis();
    d.touch(now);
    if (!store.update(keeper.lease(), now, config.history().stored(d.snapshot()))) {
      throw keeper.lost();
    }
  }

  /**
   * A retraining left RUNNING under a lease that expired or passed on. If the registry shows the alias moved to its
   * challenger, it is recorded PROMOTED (the promotion happened; its triggers are answered) with what stopped it as a
   * warning; otherwise KILLED, its run too (never FINISHED), and its triggers queued again.
   */
  void kill(LeaseKeeper keeper, Retraining r, Optional<Lease> previous) {
    Draft d = new Draft(r);
    String why = lapse(r, previous) + "; found by " + config.holder() + " under epoch " + keeper.lease().epoch();
    Optional<RegistryEvent.AliasMoved> moved = aliasMove(d);
    if (moved.isPresent()) {
      d.markRolloutStarted();
      d.warn(why + "; @" + config.alias() + " had moved to version " + d.challengerVersion() + " at " + Instant.ofEpochMilli(moved.get().time())
          + ", so the retraining is recorded PROMOTED by " + config.holder());
      RolloutResult reported = d.rollout();
      if (reported == null || reported.pending()) {
        d.rollout(new RolloutResult(RolloutResult.State.PROMOTED, "@" + config.alias() + " moved to version " + d.challengerVersion() + " at "
            + Instant.ofEpochMilli(moved.get().time()) + "; the rollout's own report was not recorded", Map.of()));
      }
      promoted(keeper, d);
      RetrainingLoop.LOG.warn("retraining loop {}: retraining {} recorded PROMOTED: {}", config.name(), r.id(), why);
    } else {
      d.end(Retraining.State.KILLED, why);
      save(keeper, d);
      if (!store.requeue(keeper.lease(), config.clock().millis(), r.id())) {
        throw keeper.lost();
      }
      RetrainingLoop.LOG.warn("retraining loop {}: retraining {} marked KILLED and its triggers queued again: {}", config.name(), r.id(), why);
    }
    if (r.runId() != null) {
      try {
        if (config.tracker().getRun(r.runId()).info().status() == RunStatus.RUNNING) {
          config.tracker().store().updateRun(r.runId(), RunStatus.KILLED, config.clock().millis(), null);
        }
        recordOnRun(d, null);
      } catch (NotFoundException e) {
        RetrainingLoop.LOG.warn("retraining loop {}: the run {} of retraining {} does not exist", config.name(), r.runId(), r.id());
      }
      save(keeper, d);
    }
    state.publish(d.snapshot());
  }

  /** Why a retraining's lease lapsed, as far as this instance can know. */
  private String lapse(Retraining r, Optional<Lease> previous) {
    if (state.begunHere(r.id())) {
      String note = state.leaseLoss(r.epoch());
      return note != null ? note : "the lease of loop " + config.name() + " (epoch " + r.epoch() + ") expired while its holder " + r.holder()
          + ", this loop instance, was still working";
    }
    String expiry = previous.filter(l -> l.epoch() == r.epoch() && l.until() > 0)
        .map(l -> ", which expired at " + Instant.ofEpochMilli(l.until())).orElse("");
    return "its holder " + r.holder() + " did not renew the lease (epoch " + r.epoch() + ")" + expiry
        + ": that process stopped, or stalled for longer than the lease's time to live";
  }

  /**
   * Records where a rollout left the alias. The registry's history decides, not the rollout's report: once the alias
   * moved to the challenger the retraining is PROMOTED, and whatever failed is a warning on it (nothing was rolled
   * back); a rollout that reports a promotion the alias never saw is ROLLOUT_FAILED.
   */
  void conclude(LeaseKeeper keeper, Draft d, RolloutResult result) {
    d.rollout(result);
    if (result.pending()) {
      d.state(Retraining.State.ROLLOUT_PENDING);
      save(keeper, d);
      return;
    }
    Optional<RegistryEvent.AliasMoved> moved = aliasMove(d);
    if (moved.isPresent()) {
      if (result.state() != RolloutResult.State.PROMOTED) {
        d.warn("the rollout reported " + result.state() + " (" + result.detail() + "), but @" + config.alias() + " had moved to version "
            + d.challengerVersion() + " at " + Instant.ofEpochMilli(moved.get().time()) + ": nothing was rolled back");
      }
      promoted(keeper, d);
      return;
    }
    if (result.state() == RolloutResult.State.PROMOTED) {
      Integer serving = config.registry().aliases(config.model()).get(config.alias());
      d.rollout(new RolloutResult(RolloutResult.State.FAILED, result.detail() + ", but @" + config.alias() + " never moved to the challenger "
          + d.challengerVersion() + " (it serves " + (serving == null ? "nothing" : "version " + serving) + ")", result.figures()));
    }
    d.state(result.state() == RolloutResult.State.REJECTED ? Retraining.State.REJECTED : Retraining.State.ROLLOUT_FAILED);
    save(keeper, d);
  }

  /**
   * The alias moved to the challenger: PROMOTED is written first, then the monitors are re-referenced (while the alias
   * still serves the challenger) and the triggers that were queued while it ran are closed as answered (they were about
   * the champion it replaced; a trigger arriving once the promotion is recorded stays queued). What fails is a warning.
   */
  void promoted(LeaseKeeper keeper, Draft d) {
    List<String> meanwhile = List.of();
    try {
      meanwhile = config.history().pending(10_000).stream().map(RetrainingStore.StoredTrigger::key).toList();
    } catch (RuntimeException e) {
      d.warn("the triggers queued during the retraining stay queued: reading them failed: " + e);
    }
    d.state(Retraining.State.PROMOTED);
    save(keeper, d);
    try {
      Integer serving = config.registry().aliases(config.model()).get(config.alias());
      Integer challenger = d.challengerVersion();
      if (challenger != null && challenger.equals(serving)) {
        References.apply(config, d.snapshot()).forEach(d::warn);
        state.markReferenceApplied(d.id);
      } else if (!config.monitors().isEmpty()) {
        d.warn("@" + config.alias() + " has since moved " + (serving == null ? "off the challenger (the alias is gone)" : "to version " + serving)
            + ": the watched monitors keep their reference");
      }
    } catch (RuntimeException e) {
      d.warn("the watched monitors keep their reference: " + e);
    }
    if (!meanwhile.isEmpty()) {
      try {
        if (!store.close(keeper.lease(), config.clock().millis(), meanwhile, LoopHistory.supersededBy(d.id))) {
          throw keeper.lost();
        }
        RetrainingLoop.LOG.info("retraining loop {}: {} trigger(s) queued during {} closed: the promotion answers them", config.name(),
            meanwhile.size(), d.id);
      } catch (RuntimeException e) {
        d.warn("the triggers queued during the retraining stay queued: " + e.getMessage());
      }
    }
    save(keeper, d);
  }

  /** The registry's move of the alias to the retraining's challenger since the retraining began, if any. */
  Optional<RegistryEvent.AliasMoved> aliasMove(Draft d) {
    Integer version = d.challengerVersion();
    if (version == null) {
      return Optional.empty();
    }
    long after = d.registryEventSeq();
    while (true) {
      List<RegistryEvent> page = config.registry().eventsAfter(after, 1000);
      if (page.isEmpty()) {
        return Optional.empty();
      }
      for (RegistryEvent e : page) {
        if (e instanceof RegistryEvent.AliasMoved m && m.model().equals(config.model()) && m.alias().equals(config.alias()) && m.version() == version) {
          return Optional.of(m);
        }
        after = e.seq();
      }
    }
  }

  /**
   * Writes the outcome and the warnings to the retraining's run, and the rollout's result and the run's end when the run
   * is still open here; a write that fails becomes a warning, never a different outcome.
   */
  void recordOnRun(Draft d, @Nullable ActiveRun run) {
    String runId = d.runId();
    if (runId == null) {
      return;
    }
    Retraining r = d.snapshot();
    Map<String, String> tags = new LinkedHashMap<>();
    tags.put("mlops.retraining.outcome", r.state().name());
    if (!r.warnings().isEmpty()) {
      tags.put("mlops.retraining.warnings", truncate(String.join(" | ", r.warnings()), Validation.MAX_TAG_VALUE_LENGTH));
    }
    try {
      config.tracker().store().logBatch(runId, List.of(), Map.of(), tags);
      if (run != null && r.rollout() != null) {
        run.logText("rollout.json", LoopJson.pretty(r.rollout()));
      }
      if (run != null && !run.isEnded()) {
        run.end(RunStatus.FINISHED);
      }
    } catch (RuntimeException e) {
      d.warn("writing the outcome to run " + runId + " failed: " + e);
      RetrainingLoop.LOG.warn("retraining loop {}: writing the outcome of {} to its run failed", config.name(), d.id, e);
    }
  }

  static String truncate(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max - 3) + "...";
  }
}
