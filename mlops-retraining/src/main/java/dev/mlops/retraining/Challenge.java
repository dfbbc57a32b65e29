package dev.mlops.retraining;

import dev.mlops.monitoring.Monitor;
import dev.mlops.monitoring.WindowReport;
import dev.mlops.monitoring.profile.Profile;
import dev.mlops.monitoring.report.HtmlReport;
import dev.mlops.monitoring.report.ReportJson;
import dev.mlops.registry.Registration;
import dev.mlops.tracking.ActiveRun;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.tribuo.Dataset;
import org.tribuo.Example;
import org.tribuo.Model;
import org.tribuo.Output;
import org.tribuo.VariableInfo;

/**
 * The steps of one retraining, from its data to its rollout: data, validation, training, evaluation of challenger and
 * champion on the same held-out rows, the blessing decision, the watched monitors' new references, registration, the
 * infra check and the rollout's start. Each step recorded on the run and in the record as it completes.
 */
final class Challenge<T extends Output<T>> {
  private final RetrainingLoop<T> loop;
  private final Outcomes outcomes;

  Challenge(RetrainingLoop<T> loop, Outcomes outcomes) {
    this.loop = loop;
    this.outcomes = outcomes;
  }

  /**
   * Everything up to and including the rollout's start. Each check that can refuse the challenger (data, blessing, the
   * watched monitors' new references, registration, the infra check, the lease) runs before the rollout starts, the
   * first step that can move the alias.
   */
  void run(LeaseKeeper keeper, Draft d, ActiveRun run, List<Trigger> triggers, List<Retraining> history) throws Exception {
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
      List<Dataset<T>> parts = Rows.split(train, loop.holdoutFraction, loop.seed);
      train = parts.get(0);
      holdout = parts.get(1);
    }
    synchronized (d) {
      d.lineage.putAll(data.lineage());
      d.lineage.put("split", data.holdout() == null ? "seeded split, seed " + loop.seed + ", holdout fraction " + loop.holdoutFraction
          : "holdout given by the data source");
      d.trainRows = train.size();
      d.holdoutRows = holdout.size();
      d.trainDigest = Rows.digest(train);
      d.holdoutDigest = Rows.digest(holdout);
    }
    String source = data.lineage().getOrDefault("source", "retraining " + d.id);
    run.logInput(new dev.mlops.api.tracking.Dataset("training", d.trainDigest, source, Rows.schema(train), train.size()), "training");
    run.logInput(new dev.mlops.api.tracking.Dataset("holdout", d.holdoutDigest, source, Rows.schema(holdout), holdout.size()), "holdout");
    run.logText("data/lineage.json", LoopJson.pretty(d.lineage));
    outcomes.save(keeper, d);

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
    outcomes.save(keeper, d);

    Model<T> challenger = loop.training.train(train, ctx);
    if (challenger == null) {
      throw new IllegalStateException("the training function returned no model");
    }
    outcomes.save(keeper, d);
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
    run.logParam("retraining.blessing_rule", Outcomes.truncate(loop.blessing.describe().toString(), 500));
    run.setTag("mlops.retraining.blessed", Boolean.toString(decision.blessed()));
    outcomes.save(keeper, d);
    if (!decision.blessed()) {
      d.state = Retraining.State.NOT_BLESSED;
      RetrainingLoop.LOG.info("retraining loop {}: challenger of {} not blessed: {}", loop.name, d.id, decision.reason());
      return;
    }

    run.logModel(challenger, "model");
    References.Prepared references = References.prepare(loop.monitors, train, run);
    synchronized (d) {
      d.references.addAll(references.references());
      d.referenceDigest = references.digest();
    }
    keeper.renew();
    int version = existingVersion(d.key).orElseGet(() -> loop.registry.register(Registration.of(loop.model).fromModel(challenger)
        .sourceRun(run.id()).tag(RetrainingLoop.KEY_TAG, d.key).tag("mlops.retraining.id", d.id)
        .description("challenger of retraining " + d.id + " (" + loop.name + ")")).version());
    synchronized (d) {
      d.challengerVersion = version;
    }
    run.setTag("mlops.retraining.challenger_version", Integer.toString(version));
    run.setTag("mlops.retraining.infra_check", infraCheck(version, holdout));
    outcomes.save(keeper, d);
    keeper.renew();
    // from here on the alias may move: the registry's history, not an exception, decides the outcome
    d.rolloutStarted = true;
    RolloutResult result;
    try {
      result = loop.rollout.start(Worker.target(loop, d));
    } catch (RuntimeException e) {
      RetrainingLoop.LOG.warn("retraining loop {}: the rollout of {} threw", loop.name, d.id, e);
      result = new RolloutResult(RolloutResult.State.FAILED, "the rollout threw " + e, Map.of());
    }
    outcomes.conclude(keeper, d, result);
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
}
