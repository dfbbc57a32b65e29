package dev.mlops.retraining;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A retraining being written: the mutable twin of {@link Retraining}. Every write and every read of what changes holds
 * its monitor, so a {@link #snapshot()} (written to the store, handed to listeners) never sees half a step.
 */
final class Draft {
  final String id;
  final String key;
  final int attempt;
  final List<Trigger> triggers;
  final long seed;
  final long created;
  final long epoch;
  final String holder;
  private Retraining.State state = Retraining.State.RUNNING;
  private @Nullable String runId;
  private @Nullable Integer championVersion;
  private @Nullable Integer challengerVersion;
  private int trainRows;
  private int holdoutRows;
  private @Nullable String trainDigest;
  private @Nullable String holdoutDigest;
  private final Map<String, String> lineage = new LinkedHashMap<>();
  private @Nullable ValidationResult validation;
  private final Map<String, Double> challengerMetrics = new LinkedHashMap<>();
  private final Map<String, Double> championMetrics = new LinkedHashMap<>();
  private @Nullable BlessingDecision blessing;
  private @Nullable RolloutResult rollout;
  private @Nullable String referenceDigest;
  private final List<Retraining.Reference> references = new ArrayList<>();
  private @Nullable String error;
  private final List<String> warnings = new ArrayList<>();
  private long updated;
  private long ended;
  private long registryEventSeq;
  /** Whether the rollout was started (in this process or the one that left the record): from then on the alias may have moved. */
  private boolean rolloutStarted;

  Draft(String id, String key, int attempt, List<Trigger> triggers, long seed, long now, long epoch, String holder) {
    this.id = id;
    this.key = key;
    this.attempt = attempt;
    this.triggers = List.copyOf(triggers);
    this.seed = seed;
    this.created = now;
    this.updated = now;
    this.epoch = epoch;
    this.holder = holder;
  }

  /** A stored retraining, to be completed. */
  Draft(Retraining r) {
    this(r.id(), r.key(), r.attempt(), r.triggers(), r.seed(), r.created(), r.epoch(), r.holder());
    synchronized (this) {
      state = r.state();
      runId = r.runId();
      championVersion = r.championVersion();
      challengerVersion = r.challengerVersion();
      trainRows = r.trainRows();
      holdoutRows = r.holdoutRows();
      trainDigest = r.trainDigest();
      holdoutDigest = r.holdoutDigest();
      lineage.putAll(r.lineage());
      validation = r.validation();
      challengerMetrics.putAll(r.challengerMetrics());
      championMetrics.putAll(r.championMetrics());
      blessing = r.blessing();
      rollout = r.rollout();
      referenceDigest = r.referenceDigest();
      references.addAll(r.references());
      error = r.error();
      warnings.addAll(r.warnings());
      updated = r.updated();
      ended = r.ended();
      registryEventSeq = r.registryEventSeq();
    }
  }

  synchronized Retraining.State state() {
    return state;
  }

  synchronized @Nullable String runId() {
    return runId;
  }

  synchronized @Nullable Integer championVersion() {
    return championVersion;
  }

  synchronized @Nullable Integer challengerVersion() {
    return challengerVersion;
  }

  synchronized @Nullable String holdoutDigest() {
    return holdoutDigest;
  }

  synchronized @Nullable RolloutResult rollout() {
    return rollout;
  }

  synchronized long registryEventSeq() {
    return registryEventSeq;
  }

  synchronized boolean rolloutStarted() {
    return rolloutStarted;
  }

  /** Where it ends (or stands). */
  synchronized void state(Retraining.State s) {
    state = s;
  }

  /** It ends {@code s} because of {@code why}. */
  synchronized void end(Retraining.State s, String why) {
    state = s;
    error = why;
  }

  synchronized void runId(String id) {
    runId = id;
  }

  /** The version the alias served when it began, and the registry's newest event then. */
  synchronized void champion(@Nullable Integer version, long eventSeq) {
    championVersion = version;
    registryEventSeq = eventSeq;
  }

  /** The rows it trains and is judged on. */
  synchronized void data(Map<String, String> lineage, int trainRows, int holdoutRows, String trainDigest, String holdoutDigest) {
    this.lineage.putAll(lineage);
    this.trainRows = trainRows;
    this.holdoutRows = holdoutRows;
    this.trainDigest = trainDigest;
    this.holdoutDigest = holdoutDigest;
  }

  synchronized void validation(ValidationResult v) {
    validation = v;
  }

  /** Both models' metrics on the holdout (the champion's empty without a champion). */
  synchronized void metrics(Map<String, Double> challenger, Map<String, Double> champion) {
    challengerMetrics.putAll(challenger);
    championMetrics.putAll(champion);
  }

  synchronized void blessing(BlessingDecision b) {
    blessing = b;
  }

  /** The watched monitors' prepared references. */
  synchronized void references(List<Retraining.Reference> prepared, @Nullable String digest) {
    references.addAll(prepared);
    referenceDigest = digest;
  }

  synchronized void challengerVersion(int version) {
    challengerVersion = version;
  }

  synchronized void rollout(RolloutResult r) {
    rollout = r;
  }

  /** From now on the alias may move to the challenger. */
  synchronized void markRolloutStarted() {
    rolloutStarted = true;
  }

  /** Its last write; the first one in a terminal state is when it ended. */
  synchronized void touch(long now) {
    updated = now;
    if (ended == 0 && state.terminal()) {
      ended = now;
    }
  }

  /** Adds a warning (what went wrong after the alias moved). */
  synchronized void warn(String warning) {
    warnings.add(warning);
  }

  synchronized Retraining snapshot() {
    return new Retraining(id, key, attempt, state, triggers, runId, championVersion, challengerVersion, seed, trainRows, holdoutRows,
        trainDigest, holdoutDigest, lineage, validation, challengerMetrics, championMetrics, blessing, rollout, referenceDigest, references,
        error, warnings, created, updated, ended, epoch, holder, registryEventSeq);
  }
}
