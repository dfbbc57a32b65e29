package dev.mlops.samples;

import dev.mlops.api.StorageBackend;
import dev.mlops.api.registry.ModelVersion;
import dev.mlops.onnx.OnnxFlavor;
import dev.mlops.onnx.OnnxMapping;
import dev.mlops.onnx.retraining.OnnxRetraining;
import dev.mlops.onnx.serving.OnnxServing;
import dev.mlops.registry.ModelRegistry;
import dev.mlops.registry.Registration;
import dev.mlops.retraining.Blessing;
import dev.mlops.retraining.ExternalTraining;
import dev.mlops.retraining.MetricThreshold;
import dev.mlops.retraining.Retraining;
import dev.mlops.retraining.RetrainingLoop;
import dev.mlops.retraining.Rollout;
import dev.mlops.retraining.TrainingData;
import dev.mlops.serving.Endpoint;
import dev.mlops.serving.ModelServer;
import dev.mlops.serving.RolloutEvent;
import dev.mlops.serving.RolloutPolicy;
import dev.mlops.serving.Served;
import dev.mlops.tracking.Tracker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.sgd.linear.LogisticRegressionTrainer;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.SimpleDataSourceProvenance;

/**
 * ONNX models through the loop, runnable: an ONNX champion serves behind an endpoint; a broken ONNX
 * challenger (trained on swapped labels: it calls every customer by the other class) takes 30 %
 * of the traffic as a canary and is rolled back automatically on its labelled accuracy; then a month of newly labelled customers
 * arrives (twelve months more tenure), and a retraining loop retrains the model with an external
 * process ({@link OnnxTrainingScript}, standing in for a Python script), judges it against the ONNX
 * champion on the same holdout (the rule lets it be at most 0.005 worse) and promotes it, which the
 * endpoint then serves. Run: {@code mvn -q -pl samples exec:exec
 * -Ddemo.main=dev.mlops.samples.OnnxDemo} (see the README); the store is {@code ./mlops-onnx-demo}
 * unless an argument names another storage URI.
 */
public final class OnnxDemo {
  private static final String[] FEATURES = {"tenure", "calls"};

  private OnnxDemo() {}

  /** Runs the demo on {@code file:./mlops-onnx-demo}, or on the storage URI given. */
  public static void main(String[] args) throws Exception {
    TrackingDemo.quietTribuo();
    Path work = Files.createTempDirectory("mlops-onnx-demo-");   // the ONNX files and the retraining's directory, deleted at the end
    try {
      run(args, work);
    } finally {
      try (var files = Files.walk(work)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }

  private static void run(String[] args, Path work) throws Exception {
    try (StorageBackend backend = StorageBackend.open(args.length > 0 ? args[0] : "file:./mlops-onnx-demo");
        Tracker tracker = Tracker.builder().storage(backend).build();
        ModelRegistry registry = ModelRegistry.builder().storage(backend).flavor(OnnxFlavor.create())
            .eventPollInterval(Duration.ofMillis(50)).build();
        ModelServer server = ModelServer.builder().registry(registry).modelAdapter("onnx", OnnxServing.adapter()).build()) {
      String model = "churn-onnx-" + Long.toString(System.currentTimeMillis(), 36);
      int champion = register(registry, model, customers(1, 600, 0, false), work.resolve("champion.onnx"), "champion");
      registry.setAlias(model, "champion", champion);
      int broken = register(registry, model, customers(2, 600, 0, true), work.resolve("broken.onnx"), "broken: leaving customers labelled stay");
      registry.setAlias(model, "canary", champion);
      Endpoint<Label> churn = server.endpoint("churn", Label.class).serve("models:/" + model + "@champion")
          .canary("models:/" + model + "@canary", 0.3)
          .rollout(RolloutPolicy.builder().window(200).minAccuracyDelta(-0.15, 50).restoreAlias(true).build()).build();
      List<RolloutEvent> rollbacks = new CopyOnWriteArrayList<>();
      churn.onRollout(rollbacks::add);
      System.out.printf("Serving models:/%s@champion (v%d, an ONNX model) on ONNX Runtime; files in %s%n", model, champion, work);
      registry.setAlias(model, "canary", broken);
      churn.awaitVersion("canary", broken, Duration.ofSeconds(30));
      System.out.printf("v%d (broken) is the canary, with 30 %% of the traffic%n", broken);
      MutableDataset<Label> traffic = customers(3, 600, 0, false);
      for (int round = 0; round < 20 && rollbacks.isEmpty(); round++) {
        send(churn, traffic);
      }
      churn.awaitBackgroundWork(10_000);
      System.out.println("Rolled back: " + rollbacks + "; @canary is v" + registry.aliases(model).get("canary"));

      // a month of newly labelled customers: the loop retrains with an external process and promotes what it made
      Path java = Path.of(System.getProperty("java.home"), "bin", "java");
      try (RetrainingLoop<Label> loop = RetrainingLoop.builder("churn-onnx-loop", Label.class).tracker(tracker).registry(registry)
          .model(model).pollInterval(Duration.ZERO).rollout(Rollout.moveAlias())
          .data(ctx -> TrainingData.of(customers(4, 600, 12, false), Map.of("source", "this month's labelled customers")))
          .training(ExternalTraining.builder(OnnxRetraining.<Label>reader(OnnxFlavor.create(), OnnxMapping.none()))
              .command(java.toString(), "-cp", System.getProperty("java.class.path"), OnnxTrainingScript.class.getName())
              .directory(work).timeout(Duration.ofMinutes(10)).build())
          .loader("onnx", OnnxRetraining.loader())
          .blessing(Blessing.of(MetricThreshold.higherIsBetter("accuracy").absoluteChange(-0.005).atLeast(0.7)))
          .build()) {
        loop.trigger("a month of new labels");
        loop.awaitIdle(Duration.ofMinutes(10));
        Retraining r = loop.history().get(0);
        System.out.printf("Retraining %s: %s; challenger accuracy %.3f, champion %.3f on the same holdout; process exit status %s%n",
            r.id(), r.state(), r.challengerMetrics().getOrDefault("accuracy", Double.NaN),
            r.championMetrics().getOrDefault("accuracy", Double.NaN), tracker.getRun(r.runId()).tags().get("mlops.external.exit_status"));
      }
      ModelVersion now = registry.resolve("models:/" + model + "@champion");
      churn.awaitVersion("champion", now.version(), Duration.ofSeconds(30));
      System.out.printf("The endpoint serves v%d (%s), trained by the external process%n", now.version(), now.flavor());
    }
  }

  private static int register(ModelRegistry registry, String model, MutableDataset<Label> rows, Path file, String description)
      throws java.io.IOException {
    OnnxTrainingScript.export(new LogisticRegressionTrainer().train(rows), file);
    return registry.register(Registration.of(model).fromFile(file).flavor("onnx").description(description)).version();
  }

  private static void send(Endpoint<Label> endpoint, MutableDataset<Label> rows) {
    rows.forEach(e -> {
      Map<String, Object> features = new java.util.LinkedHashMap<>();
      e.forEach(f -> features.put(f.getName(), f.getValue()));
      Served<Label> answer = endpoint.predict(features);
      endpoint.feedback(answer.requestId(), e.getOutput());
    });
  }

  /** Customers who leave (short tenure, many calls) or stay; {@code shift} months more tenure for everyone; optionally with the labels swapped. */
  static MutableDataset<Label> customers(long seed, int n, double shift, boolean mislabelled) {
    LabelFactory f = new LabelFactory();
    MutableDataset<Label> d = new MutableDataset<>(new SimpleDataSourceProvenance("customers", f), f);
    Random r = new Random(seed);
    for (int i = 0; i < n; i++) {
      boolean leaves = r.nextBoolean();
      String label = leaves != mislabelled ? "churn" : "stay";
      d.add(new ArrayExample<>(new Label(label), FEATURES, new double[] {shift + (leaves ? 3 + 4 * r.nextDouble() : 24 + 30 * r.nextDouble()),
          leaves ? 4 + r.nextInt(4) : r.nextInt(3)}));
    }
    return d;
  }
}
