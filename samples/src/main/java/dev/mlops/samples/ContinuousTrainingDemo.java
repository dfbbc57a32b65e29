package dev.mlops.samples;

import dev.mlops.api.StorageBackend;
import dev.mlops.api.monitoring.MonitoringStore;
import dev.mlops.api.registry.PromotionRequest;
import dev.mlops.monitoring.AlertRule;
import dev.mlops.monitoring.Monitor;
import dev.mlops.monitoring.WindowReport;
import dev.mlops.monitoring.performance.PredictionLog;
import dev.mlops.monitoring.drift.ColumnDrift;
import dev.mlops.monitoring.profile.Profile;
import dev.mlops.monitoring.profile.TribuoProfiles;
import dev.mlops.registry.Gates;
import dev.mlops.registry.ModelRegistry;
import dev.mlops.retraining.Blessing;
import dev.mlops.retraining.DataValidation;
import dev.mlops.retraining.MetricThreshold;
import dev.mlops.retraining.PerformanceCheck;
import dev.mlops.retraining.Retraining;
import dev.mlops.retraining.RetrainingLoop;
import dev.mlops.retraining.Rollout;
import dev.mlops.retraining.TrainingData;
import dev.mlops.serving.Endpoint;
import dev.mlops.serving.ModelServer;
import dev.mlops.serving.RolloutPolicy;
import dev.mlops.serving.Served;
import dev.mlops.tracking.Tracker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.tribuo.Example;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.dtree.CARTClassificationTrainer;
import org.tribuo.classification.evaluation.LabelEvaluator;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.SimpleDataSourceProvenance;

/**
 * The continuous-training part of the demo: customers change (churners now have longer tenure,
 * higher spend and a better usage trend), the monitor sees the drift, the delayed labels confirm
 * that the champion's accuracy fell, and the retraining loop trains a challenger on the recent
 * labelled rows, evaluates it against the champion on the same held-out rows, blesses it, and hands
 * it to the serving endpoint's canary; after clean live traffic the endpoint asks for its promotion,
 * which a second user approves. The monitor is then re-referenced to the new
 * champion's training data and the drift subsides. The loop's history is printed and written as HTML.
 */
final class ContinuousTrainingDemo {
  private static final String[] FEATURES = {"tenure", "spend", "calls", "trend"};
  private static final String[] CLASSES = {"stay", "downgrade", "churn"};
  private static final int WINDOW = 1000;

  private ContinuousTrainingDemo() {}

  /** A labelled customer of a world where {@code shift} moves the churners (0: the training world, 1: the changed one). */
  private static Example<Label> customer(Random random, double shift) {
    double[][] means = {{24, 70, 1, 0.5}, {12, 55, 3, -0.2}, {4 + 16 * shift, 40 + 70 * shift, 5, -1.0 + 2.0 * shift}};
    double[][] sds = {{10, 15, 1.2, 0.6}, {8, 15, 1.5, 0.6}, {4, 15, 2.0, 0.7}};
    int c = random.nextInt(CLASSES.length);
    double[] x = new double[FEATURES.length];
    for (int f = 0; f < x.length; f++) {
      x[f] = TrackingDemo.plausible(f, means[c][f] + sds[c][f] * random.nextGaussian());
    }
    return new ArrayExample<>(new Label(CLASSES[c]), FEATURES, x);
  }

  private static Map<String, Object> features(Example<Label> e) {
    Map<String, Object> m = new LinkedHashMap<>();
    e.forEach(f -> m.put(f.getName(), f.getValue()));
    return m;
  }

  /** The model @champion serves now, read by version (a registry's alias cache follows other instances' moves within its poll interval). */
  private static Model<Label> serving(ModelRegistry registry, String model) {
    return registry.load("models:/" + model + "/" + registry.aliases(model).get("champion"), Label.class).model();
  }

  private static double accuracy(Model<Label> model, Iterable<Example<Label>> rows) {
    int n = 0;
    int right = 0;
    for (Example<Label> e : rows) {
      n++;
      right += model.predict(e).getOutput().getLabel().equals(e.getOutput().getLabel()) ? 1 : 0;
    }
    return n == 0 ? Double.NaN : right / (double) n;
  }

  static void run(StorageBackend backend, DemoNames names, MutableDataset<Label> train, MutableDataset<Label> test) throws Exception {
    String model = names.model();
    System.out.println("\nContinuous training of " + model + "@champion");
    try (Tracker tracker = Tracker.builder().storage(backend).build();
        ModelRegistry bot = ModelRegistry.builder().storage(backend).principal(() -> "retraining-bot").protectAlias("champion", 1)
            .gate("champion", Gates.metricAtLeast("accuracy", 0.6)).build();
        ModelRegistry alice = ModelRegistry.builder().storage(backend).principal(() -> "alice").protectAlias("champion", 1)
            .gate("champion", Gates.metricAtLeast("accuracy", 0.6)).build();
        ModelRegistry servingRegistry = ModelRegistry.builder().storage(backend).principal(() -> "serving").protectAlias("champion", 1)
            .gate("champion", Gates.metricAtLeast("accuracy", 0.6)).eventPollInterval(Duration.ofMillis(20)).build();
        ModelServer server = ModelServer.builder().registry(servingRegistry).build()) {
      Model<Label> first = serving(bot, model);
      // the endpoint serves @champion and gives half its traffic to @canary (where the loop puts a blessed
      // challenger); after 800 clean canary requests it asks for the canary's promotion to @champion
      bot.setAlias(model, "canary", bot.aliases(model).get("champion"));
      // the champion's churn scores and the labels fed back, stored under the monitor's name (where MonitorHistory
      // and the web UI read a monitor's performance); its reference is the first champion's scores on the training data
      PredictionLog performance = PredictionLog.builder(names.retraining()).windowSize(WINDOW)
          .store(backend.store(MonitoringStore.class)).build();
      MonitoringDemo.referenceScores(performance, first, train);
      Endpoint<Label> endpoint = server.endpoint("churn-ct", Label.class).serve("models:/" + model + "@champion")
          .canary("models:/" + model + "@canary", 0.5).predictionLog(performance, "churn")
          .rollout(RolloutPolicy.builder().window(400).minAccuracyDelta(-0.10, 100).restoreAlias(true).promoteAfter(800, "champion").build())
          .build();
      double championAccuracy = new LabelEvaluator().evaluate(first, test).accuracy();
      double floor = championAccuracy - 0.10;
      System.out.printf(Locale.ROOT, "Champion v%d: accuracy %.3f on the test set; the performance floor is %.3f, that accuracy less 0.10:"
          + " a drift alert leads to a retraining only once the champion's accuracy on the last %d labelled rows is below it%n",
          bot.aliases(model).get("champion"), championAccuracy, floor, WINDOW);
      System.out.println("A retrained model is promoted to @champion under one gate, accuracy >= 0.6 on the loop's held-out rows of"
          + " today's customers, not under the first promotion's three: its test_accuracy >= 0.8 and no-worse-than-the-holder gates"
          + " read the training-time test set, which no longer describes the customers (the comparison with the champion is the loop's"
          + " blessing, on the same held-out rows), and a version the loop registers has no model card to require");

      Profile reference = TribuoProfiles.of(train, List.of(FEATURES), true);
      // delayed labels: the last rows whose true label is known, scored by whatever @champion serves
      Deque<Example<Label>> labelled = new ArrayDeque<>();
      try (Monitor monitor = Monitor.builder(names.retraining()).reference(reference).windowRows(WINDOW).storage(backend)
          .alert(AlertRule.datasetDrift()).executor(Runnable::run).build();
          RetrainingLoop<Label> loop = RetrainingLoop.builder(names.retraining(), Label.class)
              .tracker(tracker).registry(bot).model(model).alias("champion")
              .watch(monitor)
              .performance(() -> {
                if (labelled.size() < WINDOW) {
                  return Optional.empty();
                }
                double acc = accuracy(serving(bot, model),
                    labelled.stream().skip(labelled.size() - WINDOW).toList());
                return Optional.of(new PerformanceCheck("labels-" + labelled.size(), "delayed labels of the last " + WINDOW + " rows",
                    "accuracy", acc, floor, acc < floor));
              })
              .data(ctx -> {
                // the labelled rows of the last window: what the customers look like now
                MutableDataset<Label> recent = new MutableDataset<>(new SimpleDataSourceProvenance("recent labelled rows",
                    new LabelFactory()), new LabelFactory());
                labelled.stream().skip(Math.max(0, labelled.size() - WINDOW)).forEach(recent::add);
                return TrainingData.of(recent, Map.of("source", "the last " + recent.size() + " labelled rows of the stream"));
              })
              .validation(DataValidation.defaults().minRows(300))
              .trainer(new CARTClassificationTrainer(6))
              .blessing(Blessing.of(MetricThreshold.higherIsBetter("accuracy").absoluteChange(0.02).atLeast(0.6)))
              .rollout(Rollout.canary("canary"))      // serving judges it on live traffic, then governance decides
              .cooldown(Duration.ZERO) // the demo runs in seconds; the default is one hour
              .pollInterval(Duration.ZERO).executor(Runnable::run)
              .build()) {
        Random random = new Random(2024);
        java.util.Set<String> announced = new java.util.HashSet<>();
        for (int w = 0; w < 7; w++) {
          double shift = w < 2 ? 0 : 1;
          for (int k = 0; k < WINDOW; k++) {
            Example<Label> e = customer(random, shift);
            labelled.addLast(e);
            if (labelled.size() > 4 * WINDOW) {
              labelled.removeFirst();
            }
            Served<Label> answer = endpoint.predict(features(e));
            endpoint.feedback(answer.requestId(), e.getOutput()); // in the demo the truth arrives at once
            monitor.log(features(e)); // the alert (if any) reaches the loop as the window closes
          }
          endpoint.awaitBackgroundWork(10_000);
          WindowReport report = monitor.reports().get(monitor.reports().size() - 1);
          Model<Label> serving = serving(bot, model);
          System.out.printf(Locale.ROOT, "  window %d (%s): drift share %s%s; @champion v%d accuracy %.3f on its labels (three classes)%n", report.window(),
              shift == 0 ? "as trained" : "customers changed", report.drift().driftSharePercent(),
              report.drift().datasetDrift() ? " DRIFT (" + String.join(", ", report.drift().columns().stream().filter(ColumnDrift::drift)
                  .map(ColumnDrift::name).toList()) + ")" : "", bot.aliases(model).get("champion"),
              accuracy(serving, labelled.stream().skip(labelled.size() - WINDOW).toList()));
          for (Retraining r : loop.history()) {
            if (r.state() == Retraining.State.ROLLOUT_PENDING && announced.add(r.id())) {
              System.out.printf(Locale.ROOT, "  retraining %s: challenger v%d accuracy %.3f vs champion v%d %.3f on the same %d held-out rows%n",
                  r.id(), r.challengerVersion(), r.challengerMetrics().get("accuracy"), r.championVersion(),
                  r.championMetrics().get("accuracy"), r.holdoutRows());
              System.out.println("  " + r.blessing().reason() + "; " + r.rollout().detail());
            }
          }
          for (PromotionRequest request : alice.requests(model)) {
            if (request.status() == PromotionRequest.Status.OPEN && request.requester().equals("serving")) {
              System.out.printf("  the canary v%d served its requests cleanly; the endpoint asked for its promotion (%s); alice approves%n",
                  request.version(), request.gates().stream().map(g -> g.gate() + (g.passed() ? " passed" : " failed")).toList());
              alice.approve(request.id(), "the retrained model did well on live traffic");
              loop.poll(); // the loop sees @champion serve its challenger and re-references the monitor
            }
          }
        }
        System.out.println("Loop history:");
        for (Retraining r : loop.history()) {
          System.out.println("  " + r);
        }
        endpoint.awaitBackgroundWork(10_000);
        // what the web UI's monitor page shows for this monitor: the prediction log's churn-or-not accuracy
        System.out.println("The web UI's monitor page for " + names.retraining() + " reads the prediction log: churn or not (score 0.5),"
            + " realized from the labels and estimated by CBPE from the scores alone, a different figure from the three-class one above:");
        List<Long> blind = new ArrayList<>();
        for (PredictionLog.WindowPerformance p : performance.windows()) {
          System.out.printf(Locale.ROOT, "  window %d: realized %s, CBPE %s%n", p.window(),
              p.realized() == null ? "no labels" : String.format(Locale.ROOT, "%.3f", p.realized().accuracy()),
              p.estimated() == null ? "-" : String.format(Locale.ROOT, "%.3f", p.estimated().accuracy()));
          if (p.realized() != null && p.estimated() != null && p.estimated().accuracy() - p.realized().accuracy() > 0.1) {
            blind.add(p.window());
          }
        }
        if (!blind.isEmpty()) {
          System.out.println("In window" + (blind.size() == 1 ? " " : "s ") + blind + " CBPE estimates more than 0.1 above the realized"
              + " accuracy: CBPE reads the model's confidence, which stays high when what a churner looks like changes (concept drift);"
              + " only labels show that.");
        }
        performance.close(); // writes the windows still in memory to the store
        Path html = loop.writeTimeline(Path.of("mlops", "reports", "retraining-timeline" + names.suffix() + ".html"));
        System.out.println("Retraining timeline written to " + html);
        System.out.println("Audit trail verifies: " + bot.verifyAudit().valid());
      }
    }
  }
}
