package dev.mlops.retraining;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** A retraining being written: the mutable twin of {@link Retraining}, guarded by its own monitor. */
final class Draft {
  String id;
  String key;
  int attempt;
  Retraining.State state = Retraining.State.RUNNING;
  List<Trigger> triggers;
  @Nullable String runId;
  @Nullable Integer championVersion;
  @Nullable Integer challengerVersion;
  long seed;
  int trainRows;
  int holdoutRows;
  @Nullable String trainDigest;
  @Nullable String holdoutDigest;
  Map<String, String> lineage = new LinkedHashMap<>();
  @Nullable ValidationResult validation;
  Map<String, Double> challengerMetrics = new LinkedHashMap<>();
  Map<String, Double> championMetrics = new LinkedHashMap<>();
  @Nullable BlessingDecision blessing;
  @Nullable RolloutResult rollout;
  @Nullable String referenceDigest;
  List<Retraining.Reference> references = new ArrayList<>();
  @Nullable String error;
  List<String> warnings = new ArrayList<>();
  long created;
  long updated;
  long epoch;
  String holder;
  long registryEventSeq;
  /** Whether the rollout was started (in this process or the one that left the record): from then on the alias may have moved. */
  boolean rolloutStarted;

  Draft(String id, String key, int attempt, List<Trigger> triggers, long seed, long now, long epoch, String holder) {
    this.id = id;
    this.key = key;
    this.attempt = attempt;
    this.triggers = new ArrayList<>(triggers);
    this.seed = seed;
    this.created = now;
    this.updated = now;
    this.epoch = epoch;
    this.holder = holder;
  }

  Draft(Retraining r) {
    this(r.id(), r.key(), r.attempt(), r.triggers(), r.seed(), r.created(), r.epoch(), r.holder());
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
    registryEventSeq = r.registryEventSeq();
  }

  /** Adds a warning (what went wrong after the alias moved). */
  synchronized void warn(String warning) {
    warnings.add(warning);
  }

  synchronized Retraining snapshot() {
    return new Retraining(id, key, attempt, state, triggers, runId, championVersion, challengerVersion, seed, trainRows, holdoutRows,
        trainDigest, holdoutDigest, lineage, validation, challengerMetrics, championMetrics, blessing, rollout, referenceDigest, references,
        error, warnings, created, updated, epoch, holder, registryEventSeq);
  }
}
