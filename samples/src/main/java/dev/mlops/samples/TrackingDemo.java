package dev.mlops.samples;

import dev.mlops.api.tracking.Dataset;
import dev.mlops.api.tracking.DatasetInput;
import dev.mlops.api.tracking.Run;
import dev.mlops.tracking.ActiveRun;
import dev.mlops.tracking.RunComparison;
import dev.mlops.tracking.RunQuery;
import dev.mlops.tracking.Sweep;
import dev.mlops.tracking.Tracker;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.tribuo.Example;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.Trainer;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.dtree.CARTClassificationTrainer;
import org.tribuo.classification.evaluation.LabelEvaluation;
import org.tribuo.classification.evaluation.LabelEvaluator;
import org.tribuo.classification.sgd.linear.LinearSGDTrainer;
import org.tribuo.classification.sgd.objectives.LogMulticlass;
import org.tribuo.impl.ArrayExample;
import org.tribuo.math.optimisers.AdaGrad;
import org.tribuo.provenance.SimpleDataSourceProvenance;

/**
 * The end-to-end demo: trains Tribuo classifiers on a generated data set, runs a sweep tracked into
 * the embedded {@code file:./mlops} store, finds the best run with a filter query and prints a
 * comparison table; then registers the best model, promotes it to {@code @champion} through a gated
 * request approved by a second user, loads it back by alias and predicts ({@link RegistryDemo}); and
 * finally monitors production-like traffic that drifts away from the training data
 * ({@link MonitoringDemo}), serves it with canary and rollback ({@link ServingDemo}), and retrains it when
 * the customers change ({@link ContinuousTrainingDemo}).
 *
 * <p>The data set is generated here with a fixed seed: three classes of customers ("stay",
 * "downgrade", "churn") whose four features (tenure, monthly spend, support calls, usage trend)
 * are drawn from overlapping Gaussians, so no model is perfect and the sweep has something to find.
 */
public final class TrackingDemo {
  private static final String[] FEATURES = {"tenure", "spend", "calls", "trend"};
  private static final String[] CLASSES = {"stay", "downgrade", "churn"};
  private static final double[][] MEANS = {{24, 70, 1, 0.5}, {12, 55, 3, -0.2}, {4, 40, 5, -1.0}};
  private static final double[][] SDS = {{10, 15, 1.2, 0.6}, {8, 15, 1.5, 0.6}, {4, 15, 2.0, 0.7}};

  // Tribuo reports training progress through java.util.logging; the demo keeps its output short
  private static final java.util.logging.Logger TRIBUO_LOG = java.util.logging.Logger.getLogger("org.tribuo");

  private TrackingDemo() {}

  /** A drawn value of feature {@code f} (tenure, spend, calls, trend) as a customer can have it: tenure, spend and calls are never negative. */
  static double plausible(int f, double v) {
    return f < 3 ? Math.max(0, v) : v;
  }

  static MutableDataset<Label> generate(String name, int rows, long seed) {
    LabelFactory factory = new LabelFactory();
    MutableDataset<Label> data = new MutableDataset<>(new SimpleDataSourceProvenance(name, factory), factory);
    Random random = new Random(seed);
    for (int i = 0; i < rows; i++) {
      int c = random.nextInt(CLASSES.length);
      double[] x = new double[FEATURES.length];
      for (int f = 0; f < x.length; f++) {
        x[f] = plausible(f, MEANS[c][f] + SDS[c][f] * random.nextGaussian());
      }
      data.add(new ArrayExample<>(new Label(CLASSES[c]), FEATURES, x));
    }
    return data;
  }

  /** SHA-256 over the examples' labels and feature values: the data set's content digest. */
  static String digest(MutableDataset<Label> data) throws Exception {
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    for (Example<Label> e : data) {
      md.update(e.getOutput().getLabel().getBytes(StandardCharsets.UTF_8));
      e.forEach(f -> md.update((f.getName() + "=" + f.getValue() + ";").getBytes(StandardCharsets.UTF_8)));
    }
    return HexFormat.of().formatHex(md.digest());
  }

  /** Tribuo's training progress (java.util.logging INFO) stays out of the demos' output. */
  static void quietTribuo() {
    TRIBUO_LOG.setLevel(java.util.logging.Level.WARNING);
  }

  public static void main(String[] args) throws Exception {
    quietTribuo();
    String storage = args.length > 0 ? args[0] : "file:./mlops";
    MutableDataset<Label> train = generate("churn-train", 3000, 17);
    MutableDataset<Label> test = generate("churn-test", 1000, 18);
    Dataset trainData = new Dataset("churn-train", digest(train), "generated:TrackingDemo?seed=17", "{\"features\":"
        + List.of(FEATURES).toString().replace("[", "[\"").replace(", ", "\",\"").replace("]", "\"]") + "}", train.size());
    Dataset testData = new Dataset("churn-test", digest(test), "generated:TrackingDemo?seed=18", "", test.size());
    LabelEvaluator evaluator = new LabelEvaluator();

    try (Tracker tracker = Tracker.builder().storage(storage).build()) {
      System.out.println("Tracking into " + storage);
      DemoNames names = DemoNames.next(tracker.backend());
      if (!names.announcement().isEmpty()) {
        System.out.println(names.announcement());
      }
      Sweep.Result sweep = Sweep.grid(Map.of(
              "model", List.of("logistic", "cart"),
              "epochs_or_depth", List.of(2, 5, 10),
              "learning_rate", List.of(0.1, 1.0)))
          .objective("test_accuracy", true)
          .parallelism(2)
          .name("churn-sweep")
          .run(tracker, "churn-demo", (params, run) -> {
            int knob = (Integer) params.get("epochs_or_depth");
            Trainer<Label> trainer = params.get("model").equals("logistic")
                ? new LinearSGDTrainer(new LogMulticlass(), new AdaGrad((Double) params.get("learning_rate"), 0.1), knob, 1L)
                : new CARTClassificationTrainer(knob);
            run.logInput(trainData, DatasetInput.TRAINING).logInput(testData, DatasetInput.EVALUATION);
            Model<Label> model = trainer.train(train);
            LabelEvaluation eval = evaluator.evaluate(model, test);
            run.logModel(model, "model");
            run.logEvaluation(eval, "test_");
          });
      System.out.printf("Sweep %s: %d trials, %d failed%n", sweep.parentRunId(), sweep.trialRunIds().size(), sweep.failures());

      String filter = "tags.`mlops.parentRunId` = '" + sweep.parentRunId() + "' AND metrics.test_accuracy > 0.7"
          + " AND (params.model = 'logistic' OR params.epochs_or_depth IN ('5', '10'))";
      List<Run> top = tracker.searchRuns(RunQuery.builder().experiments("churn-demo").filter(filter)
          .orderBy("metrics.test_accuracy DESC", "metrics.test_macro_f1 DESC").maxResults(3).build()).items();
      System.out.println("\nFilter: " + filter);
      for (Run r : top) {
        System.out.printf("  %-28s model=%-8s knob=%-3s lr=%-4s test_accuracy=%.4f%n", r.info().runName(), r.params().get("model"),
            r.params().get("epochs_or_depth"), r.params().get("learning_rate"), r.metric("test_accuracy").orElse(Double.NaN));
      }
      Run best = sweep.best().orElseThrow();
      System.out.printf("%nBest run: %s (%s) test_accuracy=%.4f, model sha256=%s%n", best.info().runName(), best.id(),
          best.metric("test_accuracy").orElseThrow(), best.tags().get("mlops.model.sha256"));

      RunComparison cmp = tracker.compare(top.stream().map(Run::id).toList());
      System.out.println("\nComparison of the top runs (* marks params that differ):");
      List<String> shown = List.of("params.model", "params.epochs_or_depth", "params.learning_rate", "metrics.test_accuracy",
          "metrics.test_macro_f1", "metrics.test_auc_macro");
      String[] lines = cmp.toTable().split("\n");
      System.out.println(lines[0]);
      for (String line : lines) {
        if (shown.stream().anyMatch(k -> line.strip().replace("* ", "").startsWith(k + " "))) {
          System.out.println(line);
        }
      }
      try (ActiveRun summary = tracker.newRun().experiment("churn-demo").name("summary").start()) {
        summary.setTag("best_run", best.id());
      }
      Model<Label> champion = RegistryDemo.promoteAndServe(tracker.backend(), names, best, test);
      MonitoringDemo.watch(tracker.backend(), names, train, champion);
      ServingDemo.serve(tracker.backend(), names, train, test);
      ContinuousTrainingDemo.run(tracker.backend(), names, train, test);
      System.out.println("\nBrowse this store: java -jar mlops-ui/target/mlops-ui.jar --storage " + storage + " --port 5000"
          + " (then open http://127.0.0.1:5000/)");
    }
  }
}
