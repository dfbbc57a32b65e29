package dev.mlops.ui;

import dev.mlops.api.StorageBackend;
import dev.mlops.api.monitoring.MonitoringStore;
import dev.mlops.api.registry.FeatureSpec;
import dev.mlops.api.registry.ModelCard;
import dev.mlops.api.registry.ModelSignature;
import dev.mlops.api.tracking.Dataset;
import dev.mlops.monitoring.AlertRule;
import dev.mlops.monitoring.Monitor;
import dev.mlops.monitoring.data.Column;
import dev.mlops.monitoring.data.Table;
import dev.mlops.monitoring.performance.PredictionLog;
import dev.mlops.monitoring.profile.Profile;
import dev.mlops.registry.Gates;
import dev.mlops.registry.ModelRegistry;
import dev.mlops.registry.Registration;
import dev.mlops.tracking.ActiveRun;
import dev.mlops.tracking.Tracker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A store filled with the kind of data the demo ({@code samples}' {@code TrackingDemo}) writes, in
 * a second instead of a minute and without Tribuo: a grid sweep of churn classifiers as child runs of
 * one parent (logistic regressions with a loss curve, CART trees; params, a dataset input, test
 * metrics), the best one registered and promoted to {@code @champion} through a gated, approved
 * request, a challenger on {@code @canary}, and a monitor whose customers drift over four windows
 * with the champion's scores and delayed labels in a prediction log of the same name. Fixed seeds.
 */
final class DemoLikeStore {
  static final String EXPERIMENT = "churn-demo";
  static final String MODEL = "churn-classifier";
  static final String MONITOR = "churn-monitor";

  /** The sweep's parent run, then its children in the order they ran. */
  final List<String> runIds = new ArrayList<>();
  /** The child run whose model became the champion (the best test accuracy). */
  String championRun = "";

  private DemoLikeStore() {}

  static DemoLikeStore fill(StorageBackend backend, Path dir) throws Exception {
    DemoLikeStore store = new DemoLikeStore();
    store.sweep(backend);
    store.registry(backend, dir);
    store.monitor(backend);
    return store;
  }

  private void sweep(StorageBackend backend) {
    Random r = new Random(42);
    String digest = "9f2c4e1a7b3d5f60".repeat(4);
    double best = -1;
    try (Tracker tracker = Tracker.builder().storage(backend).build()) {
      try (ActiveRun parent = tracker.newRun().experiment(EXPERIMENT).name("grid-sweep").start()) {
        parent.logParam("grid", "6 trials: logistic lr x cart depth").logParam("objective", "accuracy");
        runIds.add(parent.id());
        String[] trainers = {"logistic", "logistic", "logistic", "cart", "cart", "cart"};
        String[] settings = {"0.01", "0.1", "0.5", "4", "8", "12"};
        double[] accuracy = {0.812, 0.861, 0.843, 0.826, 0.874, 0.851};
        for (int i = 0; i < trainers.length; i++) {
          try (ActiveRun run = tracker.newRun().experiment(EXPERIMENT).name(trainers[i] + "-" + settings[i]).parent(parent.id()).start()) {
            run.logParam("trainer", trainers[i]).logParam("seed", "12345");
            if (trainers[i].equals("logistic")) {
              run.logParam("learningRate", settings[i]).logParam("epochs", "20");
              double rate = Double.parseDouble(settings[i]);
              for (int step = 0; step < 200; step++) {
                run.logMetric("loss", 0.35 + 0.7 / (1 + rate * step) + 0.02 * r.nextGaussian(), step);
              }
            } else {
              run.logParam("maxDepth", settings[i]).logParam("impurity", "gini");
            }
            run.logInput(new Dataset("churn-train", digest, "generated: 3 classes, seed 1", "{}", 4000), "training");
            run.logMetric("test_accuracy", accuracy[i]).logMetric("test_macro_f1", accuracy[i] - 0.04)
                .logMetric("test_auc_macro", Math.min(0.99, accuracy[i] + 0.07));
            runIds.add(run.id());
            if (accuracy[i] > best) {
              best = accuracy[i];
              championRun = run.id();
            }
          }
        }
      }
      tracker.flush();
    }
  }

  private void registry(StorageBackend backend, Path dir) throws Exception {
    ModelSignature signature = new ModelSignature(List.of(new FeatureSpec("tenure", "double"), new FeatureSpec("monthly_spend", "double"),
        new FeatureSpec("support_calls", "double"), new FeatureSpec("plan", "category")), List.of("churn", "stay", "upgrade"), "");
    ModelCard card = ModelCard.builder().intendedUse("Find customers about to leave, for the retention team's calls")
        .limitations("Trained on generated customers; not for pricing or credit decisions").trainingData("churn-train")
        .evaluationMetric("test_accuracy", 0.874).owner("retention").build();
    ModelRegistry alice = ModelRegistry.builder().storage(backend).principal(() -> "alice").protectAlias("champion", 1)
        .gate("champion", Gates.metricAtLeast("test_accuracy", 0.8)).gate("champion", Gates.requiredCardFields("intendedUse")).build();
    ModelRegistry bob = ModelRegistry.builder().storage(backend).principal(() -> "bob").protectAlias("champion", 1)
        .gate("champion", Gates.metricAtLeast("test_accuracy", 0.8)).gate("champion", Gates.requiredCardFields("intendedUse")).build();
    try (alice; bob) {
      alice.register(Registration.of(MODEL).fromFile(Files.writeString(dir.resolve("champion.bin"), "cart depth 8"))
          .flavor("generic").sourceRun(championRun).signature(signature).card(card)
          .description("CART, max depth 8: best test accuracy of the 6-trial grid sweep"));
      String request = alice.requestPromotion(MODEL, "champion", 1, "best test accuracy of the sweep (0.874)").id();
      bob.approve(request, "card reviewed, gates pass");
      alice.register(Registration.of(MODEL).fromFile(Files.writeString(dir.resolve("challenger.bin"), "cart depth 8, retrained"))
          .flavor("generic").sourceRun(runIds.get(2)).signature(signature).card(card)
          .description("CART retrained on the last 1,000 labelled customers, served on a 20 % canary"));
      alice.setAlias(MODEL, "canary", 2);
      alice.register(Registration.of(MODEL).fromFile(Files.writeString(dir.resolve("broken.bin"), "always stay"))
          .flavor("generic").signature(signature)
          .description("A deliberately broken challenger that calls every churner 'stay'; rolled back by the canary policy"));
    }
  }

  private void monitor(StorageBackend backend) {
    Random r = new Random(7);
    int n = 2000;
    double[] tenure = new double[n];
    double[] spend = new double[n];
    double[] calls = new double[n];
    String[] plan = new String[n];
    String[] plans = {"basic", "standard", "premium"};
    for (int i = 0; i < n; i++) {
      tenure[i] = 30 + 12 * r.nextGaussian();
      spend[i] = 60 + 15 * r.nextGaussian();
      calls[i] = Math.max(0, 2 + 1.2 * r.nextGaussian());
      plan[i] = plans[r.nextInt(plans.length)];
    }
    Profile reference = Profile.of(Table.of(List.of(Column.numerical("tenure", tenure), Column.numerical("monthly_spend", spend),
        Column.numerical("support_calls", calls), Column.categorical("plan", plan))));
    try (Monitor monitor = Monitor.builder(MONITOR).reference(reference).windowRows(500).storage(backend)
        .alert(AlertRule.datasetDrift()).alert(AlertRule.columnDrift("tenure")).executor(Runnable::run).build()) {
      for (int i = 0; i < 2000; i++) {
        double shift = i / 500 / 3.0; // windows 0..3 drift more and more: shorter tenure, more calls, a new plan
        monitor.log(Map.of("tenure", 30 - 14 * shift + 12 * r.nextGaussian(), "monthly_spend", 60 + 15 * r.nextGaussian(),
            "support_calls", Math.max(0, 2 + 2 * shift + 1.2 * r.nextGaussian()),
            "plan", r.nextDouble() < shift * 0.4 ? "pro" : plans[r.nextInt(plans.length)]));
      }
    }
    // the champion's churn scores and, later, their labels: accuracy falls as the customers change
    int[] labels = new int[500];
    double[] scores = new double[500];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = r.nextDouble() < 0.3 ? 1 : 0;
      scores[i] = score(r, labels[i], 0);
    }
    PredictionLog log = PredictionLog.builder(MONITOR).windowSize(250).store(backend.store(MonitoringStore.class)).build()
        .reference(labels, scores);
    for (int i = 0; i < 1000; i++) {
      int truth = r.nextDouble() < 0.3 + i / 4000.0 ? 1 : 0;
      log.predict("c" + i, score(r, truth, i / 1000.0));
      if (i < 750) {
        log.label("c" + i, truth);
      }
    }
    log.close();
  }

  /** A churn score that separates the classes less as {@code drift} goes from 0 to 1. */
  private static double score(Random r, int truth, double drift) {
    double centre = truth == 1 ? 0.72 - 0.2 * drift : 0.28 + 0.15 * drift;
    return Math.min(0.99, Math.max(0.01, centre + 0.15 * r.nextGaussian()));
  }
}
