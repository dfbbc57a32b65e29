package dev.mlops.samples;

import dev.mlops.api.StorageBackend;
import dev.mlops.api.monitoring.MonitoringStore;
import dev.mlops.monitoring.Alert;
import dev.mlops.monitoring.AlertRule;
import dev.mlops.monitoring.Monitor;
import dev.mlops.monitoring.WindowReport;
import dev.mlops.monitoring.drift.ColumnDrift;
import dev.mlops.monitoring.performance.PredictionLog;
import dev.mlops.monitoring.profile.Profile;
import dev.mlops.monitoring.quality.Check;
import dev.mlops.monitoring.quality.DataQuality;
import dev.mlops.monitoring.report.HtmlReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.tribuo.Example;
import org.tribuo.Feature;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.impl.ArrayExample;

/**
 * The monitoring half of the demo: a reference profile of the training data, then four windows of
 * production-like traffic in which customers drift (shorter tenure, more support calls) and a new
 * plan appears, watched by a Monitor that raises alerts, with the champion's churn scores logged
 * for delayed labels; the last window's report is written as HTML.
 */
final class MonitoringDemo {
  private static final String[] FEATURES = {"tenure", "spend", "calls", "trend"};

  private MonitoringDemo() {}

  private static Map<String, Object> row(Example<Label> e) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (Feature f : e) {
      m.put(f.getName(), f.getValue());
    }
    return m;
  }

  /** Gives {@code log} its labelled reference window: {@code model}'s churn scores on {@code rows}, for CBPE estimates. */
  static void referenceScores(PredictionLog log, Model<Label> model, MutableDataset<Label> rows) {
    int[] labels = new int[rows.size()];
    double[] scores = new double[rows.size()];
    int i = 0;
    for (Example<Label> e : rows) {
      labels[i] = e.getOutput().getLabel().equals("churn") ? 1 : 0;
      scores[i] = model.predict(e).getOutputScores().get("churn").getScore();
      i++;
    }
    log.reference(labels, scores);
  }

  static void watch(StorageBackend backend, DemoNames names, MutableDataset<Label> train, Model<Label> champion) throws Exception {
    Profile reference = new Profile();
    int i = 0;
    for (Example<Label> e : train) {
      Map<String, Object> r = row(e);
      r.put("plan", i % 3 == 0 ? "basic" : i % 3 == 1 ? "pro" : "team");
      reference.update(r);
      i++;
    }
    // stored under the monitor's name: MonitorHistory, and so the web UI's monitor page, reads it there
    PredictionLog predictions = PredictionLog.builder(names.model()).windowSize(1000).threshold(0.5)
        .store(backend.store(MonitoringStore.class)).build();
    referenceScores(predictions, champion, train);
    // listeners run on the monitor's own thread: collect into thread-safe lists
    List<Alert> alerts = new java.util.concurrent.CopyOnWriteArrayList<>();
    List<WindowReport> windows = new java.util.concurrent.CopyOnWriteArrayList<>();
    Monitor monitor = Monitor.builder(names.model()).reference(reference).storage(backend).windowRows(1000)
        .quality(DataQuality.with(List.of(Check.range("tenure", 0, 120), Check.completeness("spend", 0.95))))
        .segmentBy("plan", 100)
        .alert(AlertRule.datasetDrift()).alert(AlertRule.columnDrift("calls")).alert(AlertRule.qualityFailed())
        .cooldown(Duration.ofHours(1))
        .onAlert(alerts::add).onReport(windows::add)
        .build();
    System.out.println("\nMonitoring production traffic (reference: " + reference.rows() + " training rows profiled)");
    Random random = new Random(99);
    double[][] means = {{24, 70, 1, 0.5}, {12, 55, 3, -0.2}, {4, 40, 5, -1.0}};
    for (int w = 0; w < 4; w++) {
      double drift = w / 3.0;
      for (int k = 0; k < 1000; k++) {
        int c = random.nextDouble() < 0.33 + 0.25 * drift ? 2 : random.nextInt(2);
        double[] x = {means[c][0] + 6 * random.nextGaussian() - 6 * drift, means[c][1] + 15 * random.nextGaussian(),
            means[c][2] + 1.5 * random.nextGaussian() + 2 * drift, means[c][3] + 0.6 * random.nextGaussian()};
        for (int f = 0; f < x.length; f++) {
          x[f] = TrackingDemo.plausible(f, x[f]);
        }
        Map<String, Object> r = new LinkedHashMap<>();
        for (int f = 0; f < FEATURES.length; f++) {
          r.put(FEATURES[f], x[f]);
        }
        r.put("plan", w >= 2 && k % 8 == 0 ? "enterprise" : new String[] {"basic", "pro", "team"}[k % 3]);
        Example<Label> ex = new ArrayExample<>(new Label("unknown"), FEATURES, x);
        Prediction<Label> p = champion.predict(ex);
        String id = "w" + w + "-" + k;
        predictions.predict(id, p.getOutputScores().get("churn").getScore());
        if (w < 2) {
          predictions.label(id, c == 2 ? 1 : 0);
        }
        monitor.log(r);
      }
    }
    monitor.close();   // waits for the last window's report (computed off this thread)
    predictions.close(); // writes the windows still in memory to the store
    for (WindowReport w : windows) {
      String drifted = String.join(", ", w.drift().columns().stream().filter(ColumnDrift::drift).map(ColumnDrift::name).toList());
      System.out.printf("  window %d: %d rows, drift share %s%s, quality %s%n", w.window(), w.rows(), w.drift().driftSharePercent(),
          drifted.isEmpty() ? "" : " (" + drifted + ")", w.quality().passed() ? "ok" : w.quality().failures().size() + " failed");
    }
    for (Alert a : alerts) {
      System.out.println("  ALERT [" + a.rule() + "] window " + a.window() + ": " + a.message());
    }
    // a rule that fires again within the monitor's cooldown raises no alert: the report counts it, and the demo says so
    for (WindowReport w : windows) {
      for (Alert a : w.suppressedAlerts()) {
        System.out.println("  SUPPRESSED [" + a.rule() + "] window " + a.window() + ": no alert, the rule fired within its 1-hour cooldown"
            + " (" + a.message() + ")");
      }
    }
    // the prediction log holds churn scores: its figures are of the churn-or-not call, not the three-class accuracy above
    System.out.printf(Locale.ROOT, "  churn or not (score 0.5), reference window: accuracy %.3f, F1 %.3f, ROC AUC %.3f%n",
        predictions.referenceMetrics().accuracy(),
        predictions.referenceMetrics().f1(), predictions.referenceMetrics().rocAuc());
    // the prediction log and the monitor cut the same rows into windows of 1000, numbered alike
    for (PredictionLog.WindowPerformance p : predictions.windows()) {
      System.out.printf(Locale.ROOT, "  window %d performance: estimated accuracy %.3f (CBPE)%s%n", p.window(),
          p.estimated().accuracy(),
          p.realized() == null ? ", labels not in yet" : String.format(Locale.ROOT, ", realized %.3f on %d labels", p.realized().accuracy(),
              p.labelled()));
    }
    WindowReport last = windows.get(windows.size() - 1);
    Path reports = Path.of("mlops", "reports");
    Files.createDirectories(reports);
    Path html = reports.resolve(names.model() + "-window-" + last.window() + ".html");
    Files.writeString(html, HtmlReport.render(last.drift(), last.quality(), predictions.windows(), predictions.referenceMetrics(),
        names.model() + ": window " + last.window() + " against the training data"));
    System.out.println("Drift report written to " + html);
  }
}
