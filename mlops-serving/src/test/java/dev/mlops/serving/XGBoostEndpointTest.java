package dev.mlops.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlops.api.registry.ModelVersion;
import dev.mlops.monitoring.Monitor;
import dev.mlops.monitoring.performance.PredictionLog;
import dev.mlops.monitoring.profile.Profile;
import dev.mlops.registry.ModelRegistry;
import dev.mlops.registry.Registration;
import dev.mlops.testkit.Eventually;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.xgboost.XGBoostClassificationTrainer;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.SimpleDataSourceProvenance;

/**
 * XGBoost through Tribuo ({@code tribuo-classification-xgboost}, its native library inside the jar)
 * end to end: trained, registered in Tribuo's protobuf format, loaded back by an endpoint that
 * micro-batches it from four threads, answering what the trained model answers, its requests in a
 * monitor and its churn scores in a prediction log with the labels fed back.
 */
class XGBoostEndpointTest {
  private static final String[] FEATURES = {"tenure", "calls"};

  static Map<String, Double> customer(Random r, boolean churn) {
    Map<String, Double> row = new LinkedHashMap<>();
    row.put("tenure", (churn ? 10.0 : 30.0) + r.nextGaussian() * 8);
    row.put("calls", (churn ? 4.0 : 1.5) + r.nextGaussian() * 1.2);
    return row;
  }

  static ArrayExample<Label> example(Map<String, Double> row, String label) {
    return new ArrayExample<>(new Label(label), FEATURES, new double[] {row.get("tenure"), row.get("calls")});
  }

  @Test
  void anXGBoostModelIsRegisteredServedInMicroBatchesAndMonitored() throws Exception {
    LabelFactory labels = new LabelFactory();
    MutableDataset<Label> train = new MutableDataset<>(new SimpleDataSourceProvenance("customers", labels), labels);
    Random r = new Random(5);
    for (int i = 0; i < 300; i++) {
      boolean churn = r.nextDouble() < 0.4;
      train.add(example(customer(r, churn), churn ? "churn" : "stay"));
    }
    // one OpenMP thread: the endpoint's callers are the concurrency, and OpenMP teams per call oversubscribe the cores
    Model<Label> xgb = new XGBoostClassificationTrainer(10, 1, true).train(train);
    Profile reference = new Profile();
    for (int i = 0; i < 300; i++) {
      reference.update(customer(r, r.nextDouble() < 0.4));
    }
    List<Map<String, Double>> rows = new ArrayList<>();
    List<String> truths = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      boolean churn = r.nextDouble() < 0.4;
      rows.add(customer(r, churn));
      truths.add(churn ? "churn" : "stay");
    }

    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    try (ModelRegistry registry = ModelRegistry.builder().storage("mem:xgboost-" + System.nanoTime()).build();
        ModelServer server = ModelServer.builder().registry(registry).meterRegistry(meters).build()) {
      ModelVersion v = registry.register(Registration.of("churn-xgb").fromModel(xgb));
      assertEquals(ModelVersion.TRIBUO_PROTOBUF, v.flavor());
      assertEquals(List.of("calls", "tenure"), v.signature().inputs().stream().map(f -> f.name()).sorted().toList());
      registry.setAlias("churn-xgb", "champion", v.version());
      Monitor monitor = Monitor.builder("churn-xgb").reference(reference).windowRows(100).executor(Runnable::run).build();
      PredictionLog log = new PredictionLog(100, 0.5);
      Endpoint<Label> e = server.endpoint("churn-xgb", Label.class).serve("models:/churn-xgb@champion")
          .batching(Batching.of(16, Duration.ofMillis(2))).logTo(monitor).predictionLog(log, "churn").build();

      String[] ids = new String[rows.size()];
      ExecutorService pool = Executors.newFixedThreadPool(4);
      try {
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
          int first = t;
          done.add(pool.submit(() -> {
            for (int i = first; i < rows.size(); i += 4) {
              Served<Label> s = e.predict(rows.get(i));
              Prediction<Label> own = xgb.predict(example(rows.get(i), "stay"));
              assertEquals(own.getOutput().getLabel(), s.outputText(), "row " + i);
              assertEquals(own.getOutputScores().get("churn").getScore(), s.scores().get("churn"), 1e-6, "row " + i);
              ids[i] = s.requestId();
            }
            return null;
          }));
        }
        for (Future<?> f : done) {
          f.get(5, TimeUnit.MINUTES);
        }
      } finally {
        pool.shutdownNow();
      }
      for (int i = 0; i < 100; i++) {
        assertTrue(e.feedback(ids[i], new Label(truths.get(i))));
      }
      assertTrue(e.awaitBackgroundWork(Eventually.DEFAULT_TIMEOUT.toMillis()));

      DistributionSummary batches = meters.get("mlops.serving.batch.size").tag("endpoint", "churn-xgb").summary();
      assertEquals(rows.size(), (long) batches.totalAmount(), "every request went through the micro-batcher");
      assertTrue(batches.count() <= rows.size(), batches.count() + " batches");
      assertEquals(200, monitor.stats().rows());
      assertEquals(2, monitor.reports().size());
      List<PredictionLog.WindowPerformance> windows = log.windows();
      assertEquals(2, windows.size());
      assertEquals(100, windows.stream().mapToInt(PredictionLog.WindowPerformance::labelled).sum());
      assertTrue(windows.get(0).realized() == null || windows.get(0).realized().accuracy() > 0.8, windows.get(0).toString());
    }
  }
}
