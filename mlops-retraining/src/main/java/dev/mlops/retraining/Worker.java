package dev.mlops.retraining;

import dev.mlops.api.NotFoundException;
import dev.mlops.api.retraining.RetrainingStore;
import dev.mlops.api.retraining.RetrainingStore.Lease;
import dev.mlops.api.tracking.RunStatus;
import dev.mlops.monitoring.Monitor;
import dev.mlops.monitoring.WindowReport;
import dev.mlops.monitoring.profile.ColumnProfile;
import dev.mlops.monitoring.profile.Profile;
import dev.mlops.monitoring.profile.TribuoProfiles;
import dev.mlops.monitoring.report.HtmlReport;
import dev.mlops.monitoring.report.ReportJson;
import dev.mlops.registry.Registration;
import dev.mlops.tracking.ActiveRun;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.tribuo.Dataset;
import org.tribuo.Example;
import org.tribuo.Feature;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.Output;
import org.tribuo.VariableInfo;
import org.tribuo.provenance.SimpleDataSourceProvenance;

/** One pass of a loop's worker: take over dead work, resolve pending rollouts, run the due retraining. Runs under the lease. */
final class Worker<T extends Output<T>> {
  private final RetrainingLoop<T> loop;
  private final RetrainingStore store;

  /** The lease passed to another holder: nothing more may be written under it. */
  static final class LeaseLost extends RuntimeException {
    LeaseLost(String message) {
      super(message);
    }
  }

  Worker(RetrainingLoop<T> loop) {
    this.loop = loop;
    this.store = loop.store;
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
    Lease lease = taken.get();
    try {
      for (Retraining r : orphans) {
        kill(lease, r);
      }
      for (Retraining r : loop.history()) {
        if (r.state() == Retraining.State.ROLLOUT_PENDING) {
          resolve(lease, new Draft(r));
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
      execute(lease, pending, history);
    } finally {
      store.release(lease);
    }
  }

  private RetrainingStore.StoredRetraining stored(Draft d) {
    Retraining r = d.snapshot();
    return new RetrainingStore.StoredRetraining(loop.name, r.id(), r.created(), r.updated(), r.state().name(), r.epoch(), LoopJson.write(r));
  }

  private void save(Lease lease, Draft d) {
    long now = loop.clock.millis();
    synchronized (d) {
      d.updated = now;
    }
    if (!store.update(lease, now, stored(d))) {
      throw new LeaseLost("the lease of loop " + loop.name + " (epoch " + lease.epoch() + ") passed to another holder");
    }
  }

  /** Renews the lease and checks it is still ours: every side effect outside the store is preceded by this. */
  private void fence(Lease lease) {
    Optional<Lease> l = store.acquire(loop.name, loop.holder, loop.clock.millis(), loop.leaseTtl.toMillis());
    if (l.isEmpty() || l.get().epoch() != lease.epoch()) {
      throw new LeaseLost("the lease of loop " + loop.name + " (epoch " + lease.epoch() + ") passed to another holder");
    }
  }

  private void tag(@Nullable String runId, String key, String value) {
    if (runId != null) {
      loop.tracker.store().logBatch(runId, List.of(), Map.of(), Map.of(key, value));
    }
  }

  private void kill(Lease lease, Retraining r) {
    Draft d = new Draft(r);
    d.state = Retraining.State.KILLED;
    d.error = "its process (" + r.holder() + ") stopped renewing the lease (epoch " + r.epoch() + "); found by " + loop.holder
        + " under epoch " + lease.epoch();
    save(lease, d);
    store.requeue(lease, loop.clock.millis(), r.id());
    if (r.runId() != null) {
      try {
        loop.tracker.store().updateRun(r.runId(), RunStatus.KILLED, loop.clock.millis(), null);
        tag(r.runId(), "mlops.retraining.outcome", "KILLED");
      } catch (NotFoundException e) {
        RetrainingLoop.LOG.warn("retraining loop {}: the run {} of killed retraining {} does not exist", loop.name, r.runId(), r.id());
      }
    }
    RetrainingLoop.LOG.warn("retraining loop {}: retraining {} was left running by a dead process; marked KILLED and its triggers queued again",
        loop.name, r.id());
    loop.publish(d.snapshot());
  }

  private Rollout.Target target(Draft d) {
    return new Rollout.Target(loop.registry, loop.model, loop.alias, d.challengerVersion == null ? -1 : d.challengerVersion,
        "retraining " + d.id + ": " + d.triggers.stream().map(Trigger::reason).collect(Collectors.joining("; ")));
  }

  private void resolve(Lease lease, Draft d) {
    RolloutResult before = d.rollout;
    if (before == null) {
      return;
    }
    RolloutResult after = loop.rollout.poll(target(d), before);
    if (after.pending()) {
      return;
    }
    finishRollout(lease, d, after);
    save(lease, d);
    tag(d.runId, "mlops.retraining.outcome", d.state.name());
    loop.publish(d.snapshot());
  }

  private void finishRollout(Lease lease, Draft d, RolloutResult result) {
    synchronized (d) {
      d.rollout = result;
    }
    switch (result.state()) {
      case PENDING -> d.state = Retraining.State.ROLLOUT_PENDING;
      case REJECTED -> d.state = Retraining.State.REJECTED;
      case FAILED -> d.state = Retraining.State.ROLLOUT_FAILED;
      case PROMOTED -> {
        Integer serving = loop.registry.aliases(loop.model).get(loop.alias);
        if (serving == null || !serving.equals(d.challengerVersion)) {
          d.state = Retraining.State.ROLLOUT_FAILED;
          d.rollout = new RolloutResult(RolloutResult.State.FAILED, result.detail() + ", but @" + loop.alias + " serves version " + serving
              + ", not the challenger " + d.challengerVersion, result.figures());
          return;
        }
        fence(lease);
        d.referenceDigest = rereference(loop, d.snapshot());
        loop.markReferenceApplied(d.id);
        d.state = Retraining.State.PROMOTED;
        // triggers queued meanwhile were about the champion just replaced: the promotion answers them
        List<String> meanwhile = store.triggers(loop.name, true, 0, 10_000).stream().map(RetrainingStore.StoredTrigger::key).toList();
        if (!meanwhile.isEmpty()) {
          store.close(lease, loop.clock.millis(), meanwhile, RetrainingLoop.SUPERSEDED + d.id);
          RetrainingLoop.LOG.info("retraining loop {}: {} trigger(s) queued during {} closed: the promotion answers them", loop.name,
              meanwhile.size(), d.id);
        }
      }
      default -> throw new IllegalStateException(result.state().name());
    }
  }

  /** Applies a promoted retraining's stored reference profiles to this process's watched monitors (followers call this too). */
  static void applyReference(RetrainingLoop<?> loop, Retraining r) {
    rereference(loop, r);
  }

  private static String rereference(RetrainingLoop<?> loop, Retraining r) {
    MessageDigest md = dev.mlops.api.internal.Digests.newSha256();
    for (Monitor m : loop.monitors) {
      if (r.runId() == null) {
        continue;
      }
      byte[] bytes;
      try (InputStream in = loop.tracker.artifacts().open(r.runId(), "reference/" + m.name() + ".profile")) {
        bytes = in.readAllBytes();
      } catch (NotFoundException e) {
        RetrainingLoop.LOG.warn("retraining loop {}: no reference profile for monitor {} in run {}", loop.name, m.name(), r.runId());
        continue;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      m.replaceReference(Profile.fromBytes(bytes));
      md.update(bytes);
    }
    return dev.mlops.api.internal.Digests.hex(md);
  }

  private void execute(Lease lease, List<RetrainingStore.StoredTrigger> pending, List<Retraining> history) {
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
    Draft d = new Draft("rt-" + key.substring(0, 10) + "-" + attempt, key, attempt, triggers, loop.seed, now, lease.epoch(), loop.holder);
    Integer champion = loop.registry.getModel(loop.model).isPresent() ? loop.registry.aliases(loop.model).get(loop.alias) : null;
    d.championVersion = champion;
    if (!store.begin(lease, now, stored(d), keys)) {
      RetrainingLoop.LOG.warn("retraining loop {}: could not begin a retraining (lease passed on or triggers taken)", loop.name);
      return;
    }
    RetrainingLoop.LOG.info("retraining loop {}: retraining {} begins for {}", loop.name, d.id,
        triggers.stream().map(t -> t.kind() + " " + t.key()).toList());
    long beat = Math.max(10, loop.leaseTtl.toMillis() / 3);
    ScheduledFuture<?> heartbeat = loop.timer.scheduleAtFixedRate(() -> heartbeat(lease, d), beat, beat, TimeUnit.MILLISECONDS);
    ActiveRun run = null;
    boolean lost = false;
    try {
      run = loop.tracker.newRun().experiment(loop.experiment).name("retrain " + d.id).tag(RetrainingLoop.LOOP_TAG, loop.name)
          .tag("mlops.retraining.id", d.id).tag(RetrainingLoop.KEY_TAG, key)
          .tag("mlops.retraining.trigger", triggers.stream().map(t -> t.kind().name()).distinct().collect(Collectors.joining(",")))
          .tag("mlops.retraining.reason", truncate(triggers.stream().map(Trigger::reason).collect(Collectors.joining("; ")))).start();
      synchronized (d) {
        d.runId = run.id();
      }
      save(lease, d);
      train(lease, d, run, triggers, history);
    } catch (LeaseLost e) {
      lost = true;
      d.state = Retraining.State.KILLED;
      d.error = e.getMessage();
      RetrainingLoop.LOG.error("retraining loop {}: retraining {} stopped: {}", loop.name, d.id, e.getMessage());
    } catch (Exception | LinkageError | AssertionError e) {
      d.state = Retraining.State.FAILED;
      d.error = e.getClass().getName() + ": " + e.getMessage();
      RetrainingLoop.LOG.warn("retraining loop {}: retraining {} failed; the champion is untouched", loop.name, d.id, e);
      if (run != null) {
        tag(run.id(), "mlops.retraining.outcome", "FAILED");
        run.fail(e);
      }
    } finally {
      heartbeat.cancel(false);
    }
    if (!lost) {
      try {
        save(lease, d);
      } catch (LeaseLost e) {
        lost = true;
      }
    }
    if (run != null && !run.isEnded()) {
      tag(run.id(), "mlops.retraining.outcome", lost ? "KILLED" : d.state.name());
      run.end(lost ? RunStatus.KILLED : RunStatus.FINISHED);
    }
    RetrainingLoop.LOG.info("retraining loop {}: {}", loop.name, d.snapshot());
    loop.publish(d.snapshot());
  }

  private static String truncate(String s) {
    return s.length() <= 500 ? s : s.substring(0, 497) + "...";
  }

  private void heartbeat(Lease lease, Draft d) {
    try {
      save(lease, d);
      fence(lease);
      tag(d.runId, "mlops.retraining.heartbeat", Long.toString(loop.clock.millis()));
    } catch (LeaseLost e) {
      RetrainingLoop.LOG.error("retraining loop {}: {}; retraining {} will not write again", loop.name, e.getMessage(), d.id);
    } catch (RuntimeException e) {
      RetrainingLoop.LOG.warn("retraining loop {}: heartbeat of {} failed", loop.name, d.id, e);
    }
  }

  private void train(Lease lease, Draft d, ActiveRun run, List<Trigger> triggers, List<Retraining> history) throws Exception {
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("retraining.seed", loop.seed);
    params.put("retraining.holdout_fraction", loop.holdoutFraction);
    params.put("retraining.attempt", d.attempt);
    params.put("retraining.champion_version", d.championVersion == null ? "none" : d.championVersion);
    params.put("retraining.rollout", loop.rollout.toString());
    run.logParams(params);
    run.logText("trigger/triggers.json", LoopJson.pretty(triggers));
    logAlertReports(run, triggers);

    RetrainingContext ctx = new RetrainingContext(loop.name, d.id, run.id(), triggers,
        d.championVersion == null ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(d.championVersion), loop.seed, d.created);
    TrainingData<T> data = loop.data.fetch(ctx);
    Dataset<T> train = data.train();
    Dataset<T> holdout = data.holdout();
    if (holdout == null) {
      List<Dataset<T>> parts = split(train, loop.holdoutFraction, loop.seed);
      train = parts.get(0);
      holdout = parts.get(1);
    }
    synchronized (d) {
      d.lineage.putAll(data.lineage());
      d.lineage.put("split", data.holdout() == null ? "seeded split, seed " + loop.seed + ", holdout fraction " + loop.holdoutFraction
          : "holdout given by the data source");
      d.trainRows = train.size();
      d.holdoutRows = holdout.size();
      d.trainDigest = digest(train);
      d.holdoutDigest = digest(holdout);
    }
    String source = data.lineage().getOrDefault("source", "retraining " + d.id);
    run.logInput(new dev.mlops.api.tracking.Dataset("training", d.trainDigest, source, schema(train), train.size()), "training");
    run.logInput(new dev.mlops.api.tracking.Dataset("holdout", d.holdoutDigest, source, schema(holdout), holdout.size()), "holdout");
    run.logText("data/lineage.json", LoopJson.pretty(d.lineage));
    save(lease, d);

    Model<T> championModel = d.championVersion == null ? null
        : loop.registry.load("models:/" + loop.model + "/" + d.championVersion, loop.outputType).model();
    Set<String> championFeatures = new TreeSet<>();
    if (championModel != null) {
      for (VariableInfo v : championModel.getFeatureIDMap()) {
        championFeatures.add(v.getName());
      }
    }
    Profile reference = loop.monitors.isEmpty() ? null : loop.monitors.get(0).reference();
    ValidationResult validation = loop.validation.validate(train, holdout, championFeatures, reference);
    synchronized (d) {
      d.validation = validation;
    }
    run.logText("validation.json", LoopJson.pretty(validation));
    run.setTag("mlops.retraining.data_valid", Boolean.toString(validation.passed()));
    if (!validation.passed()) {
      d.state = Retraining.State.DATA_REFUSED;
      return;
    }
    save(lease, d);

    Model<T> challenger = loop.training.train(train, ctx);
    if (challenger == null) {
      throw new IllegalStateException("the training function returned no model");
    }
    save(lease, d);
    Evaluation ce = loop.evaluator.evaluate(challenger, holdout);
    Evaluation be = championModel == null ? null : loop.evaluator.evaluate(championModel, holdout);
    synchronized (d) {
      d.challengerMetrics.putAll(ce.metrics());
      if (be != null) {
        d.championMetrics.putAll(be.metrics());
      }
    }
    run.logMetrics(finite(ce.metrics(), ""), 0);
    if (be != null) {
      run.logMetrics(finite(be.metrics(), "champion."), 0);
    }
    String holdoutDigest = d.holdoutDigest;
    int decisions = 1 + (int) history.stream().filter(r -> r.blessing() != null && holdoutDigest.equals(r.holdoutDigest())).count();
    BlessingDecision decision = loop.blessing.decide(ce, be, decisions);
    synchronized (d) {
      d.blessing = decision;
    }
    run.logText("blessing.json", LoopJson.pretty(decision));
    run.logParam("retraining.blessing_rule", truncate(loop.blessing.describe().toString()));
    run.setTag("mlops.retraining.blessed", Boolean.toString(decision.blessed()));
    save(lease, d);
    if (!decision.blessed()) {
      d.state = Retraining.State.NOT_BLESSED;
      RetrainingLoop.LOG.info("retraining loop {}: challenger of {} not blessed: {}", loop.name, d.id, decision.reason());
      return;
    }

    run.logModel(challenger, "model");
    for (Monitor m : loop.monitors) {
      List<String> columns = m.reference().columns().stream().map(ColumnProfile::name).toList();
      Profile p = TribuoProfiles.of(train, columns, true);
      run.logArtifact("reference/" + m.name() + ".profile", new ByteArrayInputStream(p.toBytes()));
    }
    fence(lease);
    int version = existingVersion(d.key).orElseGet(() -> loop.registry.register(Registration.of(loop.model).fromModel(challenger)
        .sourceRun(run.id()).tag(RetrainingLoop.KEY_TAG, d.key).tag("mlops.retraining.id", d.id)
        .description("challenger of retraining " + d.id + " (" + loop.name + ")")).version());
    synchronized (d) {
      d.challengerVersion = version;
    }
    run.setTag("mlops.retraining.challenger_version", Integer.toString(version));
    run.setTag("mlops.retraining.infra_check", infraCheck(version, holdout));
    save(lease, d);
    fence(lease);
    RolloutResult result = loop.rollout.start(target(d));
    finishRollout(lease, d, result);
    run.logText("rollout.json", LoopJson.pretty(d.rollout));
  }

  /**
   * Before any rollout, the registered version is loaded back the way serving loads it (SHA-256
   * verified) and answers warm-up predictions on held-out rows (TFX's InfraValidator, in process);
   * a failure fails the retraining with the champion untouched.
   */
  private String infraCheck(int version, Dataset<T> holdout) {
    Model<T> loaded = loop.registry.load("models:/" + loop.model + "/" + version, loop.outputType).model();
    int n = 0;
    for (Example<T> e : holdout) {
      if (n == 5) {
        break;
      }
      loaded.predict(e);
      n++;
    }
    return "version " + version + " loaded with its digest verified and answered " + n + " warm-up predictions";
  }

  private Optional<Integer> existingVersion(String key) {
    if (loop.registry.getModel(loop.model).isEmpty()) {
      return Optional.empty();
    }
    return loop.registry.versions(loop.model).stream().filter(v -> key.equals(v.tags().get(RetrainingLoop.KEY_TAG)))
        .map(v -> v.version()).findFirst();
  }

  private static Map<String, Double> finite(Map<String, Double> metrics, String prefix) {
    Map<String, Double> out = new LinkedHashMap<>();
    metrics.forEach((k, v) -> {
      if (v != null && Double.isFinite(v)) {
        out.put(prefix + k, v);
      }
    });
    return out;
  }

  private void logAlertReports(ActiveRun run, List<Trigger> triggers) {
    for (Trigger t : triggers) {
      String monitor = t.detail().get("monitor");
      String window = t.detail().get("window");
      if (monitor == null || window == null) {
        continue;
      }
      for (Monitor m : loop.monitors) {
        if (!m.name().equals(monitor)) {
          continue;
        }
        for (WindowReport r : m.reports()) {
          if (Long.toString(r.window()).equals(window)) {
            String base = "trigger/" + monitor + "-window-" + window;
            run.logText(base + ".json", ReportJson.of(r.drift()));
            run.logText(base + ".html", HtmlReport.render(r.drift(), r.quality(), List.of(), "Monitor " + monitor + ", window " + window
                + ": the alert that triggered retraining " + run.id()));
          }
        }
      }
    }
  }

  /** Splits with a seeded shuffle: the first part trains, the second is held out. */
  static <T extends Output<T>> List<Dataset<T>> split(Dataset<T> data, double holdoutFraction, long seed) {
    List<Example<T>> rows = new ArrayList<>();
    for (Example<T> e : data) {
      rows.add(e);
    }
    Collections.shuffle(rows, new Random(seed));
    int holdout = (int) Math.round(rows.size() * holdoutFraction);
    holdout = Math.max(rows.isEmpty() ? 0 : 1, Math.min(holdout, rows.size() - 1));
    MutableDataset<T> train = new MutableDataset<>(new SimpleDataSourceProvenance("retraining split: train", data.getOutputFactory()),
        data.getOutputFactory());
    MutableDataset<T> held = new MutableDataset<>(new SimpleDataSourceProvenance("retraining split: holdout", data.getOutputFactory()),
        data.getOutputFactory());
    for (int i = 0; i < rows.size(); i++) {
      (i < rows.size() - holdout ? train : held).add(rows.get(i));
    }
    return List.of(train, held);
  }

  /** SHA-256 of the rows in order: each example's output and its features' names and values. */
  static <T extends Output<T>> String digest(Dataset<T> data) {
    MessageDigest md = dev.mlops.api.internal.Digests.newSha256();
    for (Example<T> e : data) {
      StringBuilder s = new StringBuilder(e.getOutput().toString()).append('\u0001');
      for (Feature f : e) {
        s.append(f.getName()).append('=').append(Double.doubleToLongBits(f.getValue())).append('\u0002');
      }
      md.update(s.append('\n').toString().getBytes(StandardCharsets.UTF_8));
    }
    return dev.mlops.api.internal.Digests.hex(md);
  }

  private static <T extends Output<T>> String schema(Dataset<T> data) {
    Set<String> names = new HashSet<>();
    for (VariableInfo v : data.getFeatureMap()) {
      names.add(v.getName());
    }
    return new TreeSet<>(names).toString();
  }
}
