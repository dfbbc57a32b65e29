package dev.mlops.retraining;

import dev.mlops.monitoring.Monitor;
import dev.mlops.monitoring.WindowReport;
import dev.mlops.monitoring.profile.Profile;
import dev.mlops.monitoring.report.HtmlReport;
import dev.mlops.monitoring.report.ReportJson;
import dev.mlops.api.MlopsException;
import dev.mlops.api.registry.ModelSignature;
import dev.mlops.api.registry.ModelVersion;
import dev.mlops.registry.LoadedObject;
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
import org.jspecify.annotations.Nullable;

/**
 * The steps of one retraining, from its data to its rollout: data, validation, training, evaluation of challenger and
 * champion on the same held-out rows, the blessing decision, the watched monitors' new references, registration, the
 * infra check and the rollout's start. Each step recorded on the run and in the record as it completes.
 */
final class Challenge<T extends Output<T>> {
  private final LoopConfig<T> config;
  private final Outcomes outcomes;

  /** The rows a retraining trains on and judges both models on. */
  private record Split<T extends Output<T>>(Dataset<T> train, Dataset<T> holdout) {}

  Challenge(LoopConfig<T> config, Outcomes outcomes) {
    this.config = config;
    this.outcomes = outcomes;
  }

  /**
   * Everything up to and including the rollout's start, one stage after another. Each check that can refuse the
   * challenger (data, blessing, the watched monitors' new references, registration, the infra check, the lease) runs
   * before the rollout starts, the first step that can move the alias.
   */
  void run(LeaseKeeper keeper, Draft d, ActiveRun run, List<Retraining> history) throws Exception {
    RetrainingContext ctx = describe(d, run);
    Split<T> rows = fetch(keeper, d, run, ctx);
    Model<T> champion = champion(d, rows.holdout());
    Model<T> challenger = null;
    try {
      if (!validate(keeper, d, run, rows, champion)) {
        return;
      }
      challenger = train(keeper, d, run, rows, ctx);
      checkSignature(d, challenger);
      if (!bless(keeper, d, run, challenger, champion, rows, history)) {
        return;
      }
      register(keeper, d, run, challenger, rows);
    } finally {
      close(champion);
      close(challenger);
    }
    startRollout(keeper, d);
  }

  /** Loads a version to evaluate: by the loop's {@link FlavorLoader} for its flavor, else as a Tribuo model. The caller closes it. */
  private Model<T> load(String uri, Dataset<T> rows) throws Exception {
    ModelVersion version = config.registry().resolve(uri);
    FlavorLoader<T> loader = config.loaders().get(version.flavor());
    if (loader == null) {
      return config.registry().load(uri, config.outputType()).model();
    }
    LoadedObject loaded = config.registry().loadObject(uri);
    try {
      Model<T> model = loader.load(loaded, rows);
      if (model == null) {
        throw new IllegalStateException("the loader of flavor " + version.flavor() + " returned no model for " + uri);
      }
      return model;
    } catch (Exception | Error e) {
      close(loaded.model());
      throw e;
    }
  }

  /** Frees what a model holds outside the heap (a native session), once the retraining is done with it. */
  private void close(@Nullable Object model) {
    if (model instanceof AutoCloseable c) {
      try {
        c.close();
      } catch (Exception e) {
        RetrainingLoop.LOG.warn("retraining loop {}: closing {} failed: {}", config.name(), model, e.toString());
      }
    }
  }

  /**
   * A challenger registered from a model file must take the champion's inputs and give its classes: a signature that
   * differs fails the retraining before it is judged (it would fail every request the champion answers).
   */
  private void checkSignature(Draft d, Model<T> challenger) {
    Integer version = d.championVersion();
    if (!(challenger instanceof ModelFile file) || version == null) {
      return;
    }
    ModelSignature champion = config.registry().getVersion(config.model(), version).signature();
    Set<String> championInputs = new TreeSet<>();
    champion.inputs().forEach(f -> championInputs.add(f.name()));
    Set<String> challengerInputs = new TreeSet<>();
    file.signature().inputs().forEach(f -> challengerInputs.add(f.name()));
    if (!championInputs.isEmpty() && !championInputs.equals(challengerInputs)) {
      throw new MlopsException("the challenger's signature does not match the champion's (v" + version + "): it takes "
          + challengerInputs + ", the champion takes " + championInputs);
    }
    Set<String> championClasses = new TreeSet<>(champion.outputDomain());
    Set<String> challengerClasses = new TreeSet<>(file.signature().outputDomain());
    if (!championClasses.isEmpty() && !championClasses.equals(challengerClasses)) {
      throw new MlopsException("the challenger's signature does not match the champion's (v" + version + "): it gives the classes "
          + challengerClasses + ", the champion gives " + championClasses);
    }
  }

  /** Logs the retraining's settings, triggers and the reports of the alerts behind them; the context the data source and training get. */
  private RetrainingContext describe(Draft d, ActiveRun run) {
    Integer champion = d.championVersion();
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("retraining.seed", config.seed());
    params.put("retraining.holdout_fraction", config.holdoutFraction());
    params.put("retraining.attempt", d.attempt);
    params.put("retraining.champion_version", champion == null ? "none" : champion);
    params.put("retraining.rollout", config.rollout().toString());
    run.logParams(params);
    run.logText("trigger/triggers.json", LoopJson.pretty(d.triggers));
    logAlertReports(run, d.triggers);
    return new RetrainingContext(config.name(), d.id, run.id(), d.triggers,
        champion == null ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(champion), config.seed(), d.created);
  }

  /** The data source's rows, split into training and held-out rows unless it gave a holdout; recorded with their digests. */
  private Split<T> fetch(LeaseKeeper keeper, Draft d, ActiveRun run, RetrainingContext ctx) throws Exception {
    TrainingData<T> data = config.data().fetch(ctx);
    Dataset<T> train = data.train();
    Dataset<T> holdout = data.holdout();
    if (holdout == null) {
      List<Dataset<T>> parts = Rows.split(train, config.holdoutFraction(), config.seed());
      train = parts.get(0);
      holdout = parts.get(1);
    }
    Map<String, String> lineage = new LinkedHashMap<>(data.lineage());
    lineage.put("split", data.holdout() == null ? "seeded split, seed " + config.seed() + ", holdout fraction " + config.holdoutFraction()
        : "holdout given by the data source");
    String trainDigest = Rows.digest(train);
    String holdoutDigest = Rows.digest(holdout);
    d.data(lineage, train.size(), holdout.size(), trainDigest, holdoutDigest);
    String source = data.lineage().getOrDefault("source", "retraining " + d.id);
    run.logInput(new dev.mlops.api.tracking.Dataset("training", trainDigest, source, Rows.schema(train), train.size()),
        "training");
    run.logInput(new dev.mlops.api.tracking.Dataset("holdout", holdoutDigest, source, Rows.schema(holdout),
        holdout.size()), "holdout");
    run.logText("data/lineage.json", LoopJson.pretty(lineage));
    outcomes.save(keeper, d);
    return new Split<>(train, holdout);
  }

  /** The model the alias served when the retraining began, or null without one. */
  private @Nullable Model<T> champion(Draft d, Dataset<T> holdout) throws Exception {
    Integer version = d.championVersion();
    return version == null ? null : load("models:/" + config.model() + "/" + version, holdout);
  }

  /** Validates the rows against the champion's features and the first watched monitor's reference; false: DATA_REFUSED. */
  private boolean validate(LeaseKeeper keeper, Draft d, ActiveRun run, Split<T> rows, @Nullable Model<T> champion) {
    Set<String> championFeatures = new TreeSet<>();
    if (champion != null) {
      for (VariableInfo v : champion.getFeatureIDMap()) {
        championFeatures.add(v.getName());
      }
    }
    Profile reference = config.monitors().isEmpty() ? null : config.monitors().get(0).reference();
    ValidationResult validation = config.validation().validate(rows.train(), rows.holdout(), championFeatures, reference);
    d.validation(validation);
    run.logText("validation.json", LoopJson.pretty(validation));
    run.setTag("mlops.retraining.data_valid", Boolean.toString(validation.passed()));
    if (!validation.passed()) {
      d.state(Retraining.State.DATA_REFUSED);
      return false;
    }
    outcomes.save(keeper, d);
    return true;
  }

  /** The challenger, trained on the training rows. */
  private Model<T> train(LeaseKeeper keeper, Draft d, ActiveRun run, Split<T> rows, RetrainingContext ctx) throws Exception {
    Model<T> challenger = config.training().train(rows.train(), rows.holdout(), ctx, run);
    if (challenger == null) {
      throw new IllegalStateException("the training function returned no model");
    }
    outcomes.save(keeper, d);
    return challenger;
  }

  /** Evaluates challenger and champion on the same held-out rows and applies the blessing rule; false: NOT_BLESSED. */
  private boolean bless(LeaseKeeper keeper, Draft d, ActiveRun run, Model<T> challenger, @Nullable Model<T> champion, Split<T> rows,
      List<Retraining> history) {
    Evaluation ce = config.evaluator().evaluate(challenger, rows.holdout());
    Evaluation be = champion == null ? null : config.evaluator().evaluate(champion, rows.holdout());
    d.metrics(ce.metrics(), be == null ? Map.of() : be.metrics());
    run.logMetrics(finite(ce.metrics(), ""), 0);
    if (be != null) {
      run.logMetrics(finite(be.metrics(), "champion."), 0);
    }
    String holdoutDigest = d.holdoutDigest();
    int decisions = 1 + (int) history.stream().filter(r -> r.blessing() != null && r.holdoutDigest() != null
        && r.holdoutDigest().equals(holdoutDigest)).count();
    BlessingDecision decision = config.blessing().decide(ce, be, decisions);
    d.blessing(decision);
    run.logText("blessing.json", LoopJson.pretty(decision));
    run.logParam("retraining.blessing_rule", Outcomes.truncate(config.blessing().describe().toString(), 500));
    run.setTag("mlops.retraining.blessed", Boolean.toString(decision.blessed()));
    outcomes.save(keeper, d);
    if (!decision.blessed()) {
      d.state(Retraining.State.NOT_BLESSED);
      RetrainingLoop.LOG.info("retraining loop {}: challenger of {} not blessed: {}", config.name(), d.id, decision.reason());
      return false;
    }
    return true;
  }

  /**
   * Logs the challenger, prepares the watched monitors' new references, registers it (or finds the version a crashed
   * attempt of the same key registered) and loads it back for the infra check.
   */
  private void register(LeaseKeeper keeper, Draft d, ActiveRun run, Model<T> challenger, Split<T> rows) throws Exception {
    Registration registration = Registration.of(config.model());
    if (challenger instanceof ModelFile file) {
      run.logArtifact(file.file(), "model");
      registration.fromFile(file.file()).flavor(file.flavor()).signature(file.signature());
      file.tags().forEach(registration::tag);
    } else {
      run.logModel(challenger, "model");
      registration.fromModel(challenger);
    }
    References.Prepared references = References.prepare(config.monitors(), rows.train(), run);
    d.references(references.references(), references.digest());
    keeper.renew();
    registration.sourceRun(run.id()).tag(RetrainingLoop.KEY_TAG, d.key).tag("mlops.retraining.id", d.id)
        .description("challenger of retraining " + d.id + " (" + config.name() + ")");
    int version = existingVersion(d.key).orElseGet(() -> config.registry().register(registration).version());
    d.challengerVersion(version);
    run.setTag("mlops.retraining.challenger_version", Integer.toString(version));
    run.setTag("mlops.retraining.infra_check", infraCheck(version, rows.holdout()));
    outcomes.save(keeper, d);
  }

  /** Starts the rollout, the first step that can move the alias; from here the registry's history, not an exception, decides the outcome. */
  private void startRollout(LeaseKeeper keeper, Draft d) {
    keeper.renew();
    d.markRolloutStarted();
    RolloutResult result;
    try {
      result = config.rollout().start(Worker.target(config, d));
    } catch (RuntimeException e) {
      RetrainingLoop.LOG.warn("retraining loop {}: the rollout of {} threw", config.name(), d.id, e);
      result = new RolloutResult(RolloutResult.State.FAILED, "the rollout threw " + e, Map.of());
    }
    outcomes.conclude(keeper, d, result);
  }

  /**
   * Before any rollout, the registered version is loaded back the way serving loads it (SHA-256
   * verified) and answers warm-up predictions on held-out rows (TFX's InfraValidator, in process);
   * a failure fails the retraining with the champion untouched.
   */
  private String infraCheck(int version, Dataset<T> holdout) throws Exception {
    Model<T> loaded = load("models:/" + config.model() + "/" + version, holdout);
    int n = 0;
    try {
      for (Example<T> e : holdout) {
        if (n == 5) {
          break;
        }
        loaded.predict(e);
        n++;
      }
    } finally {
      close(loaded);
    }
    return "version " + version + " loaded with its digest verified and answered " + n + " warm-up predictions";
  }

  private Optional<Integer> existingVersion(String key) {
    if (config.registry().getModel(config.model()).isEmpty()) {
      return Optional.empty();
    }
    return config.registry().versions(config.model()).stream().filter(v -> key.equals(v.tags().get(RetrainingLoop.KEY_TAG)))
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
      for (Monitor m : config.monitors()) {
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
