package dev.mlops.onnx.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlops.api.StorageBackend;
import dev.mlops.monitoring.Monitor;
import dev.mlops.monitoring.WindowReport;
import dev.mlops.monitoring.drift.ColumnDrift;
import dev.mlops.monitoring.performance.PredictionLog;
import dev.mlops.monitoring.profile.Profile;
import dev.mlops.onnx.OnnxFlavor;
import dev.mlops.onnx.OnnxMapping;
import dev.mlops.registry.ModelRegistry;
import dev.mlops.registry.Registration;
import dev.mlops.serving.Endpoint;
import dev.mlops.serving.ModelServer;
import dev.mlops.serving.Served;
import dev.mlops.testkit.Eventually;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.Example;
import org.tribuo.ImmutableFeatureMap;
import org.tribuo.ImmutableOutputInfo;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.ONNXExportable;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.sgd.linear.LinearSGDTrainer;
import org.tribuo.classification.sgd.objectives.LogMulticlass;
import org.tribuo.impl.ArrayExample;
import org.tribuo.math.optimisers.AdaGrad;
import org.tribuo.provenance.SimpleDataSourceProvenance;

/**
 * An ONNX model's requests reach monitors and prediction logs exactly as a Tribuo model's do: a
 * Tribuo logistic regression and its own ONNX export (Tribuo's {@code saveONNXModel}) serve the same
 * rows behind two endpoints, and their monitors' drift reports and their prediction logs' realized
 * metrics and CBPE estimates agree within float32 rounding.
 */
class OnnxMonitoringTest {
  private static final String[] FEATURES = {"tenure", "calls"};

  @TempDir
  Path dir;

  /** A customer: churners have short tenure and many calls. */
  static Map<String, Object> customer(Random r, boolean churn, double shift) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("tenure", (churn ? 10.0 : 30.0) - shift * 8 + r.nextGaussian() * 8);
    row.put("calls", (churn ? 4.0 : 1.5) + shift + r.nextGaussian() * 1.2);
    return row;
  }

  static Example<Label> example(Map<String, Object> row, String label) {
    return new ArrayExample<>(new Label(label), FEATURES, new double[] {(Double) row.get("tenure"), (Double) row.get("calls")});
  }

  @Test
  void anOnnxExportFeedsMonitorsAndCbpeAsItsTribuoModelDoes() throws Exception {
    LabelFactory labels = new LabelFactory();
    MutableDataset<Label> train = new MutableDataset<>(new SimpleDataSourceProvenance("customers", labels), labels);
    Random r = new Random(11);
    for (int i = 0; i < 600; i++) {
      boolean churn = r.nextDouble() < 0.4;
      train.add(example(customer(r, churn, 0), churn ? "churn" : "stay"));
    }
    Model<Label> tribuo = new LinearSGDTrainer(new LogMulticlass(), new AdaGrad(0.1, 0.1), 5, 1L).train(train);
    Path onnx = dir.resolve("churn.onnx");
    ((ONNXExportable) tribuo).saveONNXModel("dev.mlops.test", 1L, onnx);

    try (StorageBackend backend = StorageBackend.open("mem:onnx-monitoring-" + UUID.randomUUID());
        ModelRegistry registry = ModelRegistry.builder().storage(backend).flavor(OnnxFlavor.create()).build()) {
      registry.setAlias("churn-tribuo", "champion", registry.register(Registration.of("churn-tribuo").fromModel(tribuo)).version());
      // Tribuo's export orders its tensor columns by feature id and its score columns by output id
      registry.setAlias("churn-onnx", "champion", registry.register(Registration.of("churn-onnx").fromFile(onnx).flavor("onnx")
          .signature(OnnxMapping.features(featureOrder(tribuo)).classes(classOrder(tribuo)).signature())).version());

      // the reference: 300 labelled customers as the Tribuo model scored them
      Profile reference = new Profile();
      int[] refLabels = new int[300];
      double[] refScores = new double[300];
      for (int i = 0; i < 300; i++) {
        boolean churn = r.nextDouble() < 0.4;
        Map<String, Object> row = customer(r, churn, 0);
        Label p = tribuo.predict(example(row, "stay")).getOutputScores().get("churn");
        refLabels[i] = churn ? 1 : 0;
        refScores[i] = p.getScore();
        Map<String, Object> logged = new LinkedHashMap<>(row);
        logged.put("prediction", tribuo.predict(example(row, "stay")).getOutput().getLabel());
        logged.put("prediction_score", tribuo.predict(example(row, "stay")).getOutput().getScore());
        reference.update(logged);
      }

      // live traffic that drifts towards churners, half of it labelled later
      List<Map<String, Object>> live = new ArrayList<>();
      List<String> truths = new ArrayList<>();
      for (int i = 0; i < 300; i++) {
        boolean churn = r.nextDouble() < 0.4 + i / 1000.0;
        live.add(customer(r, churn, i / 100.0));
        truths.add(churn ? "churn" : "stay");
      }

      try (ModelServer server = ModelServer.builder().registry(registry).modelAdapter("onnx", OnnxServing.adapter()).build()) {
        Watched viaTribuo = serve(server, "churn-tribuo", reference, refLabels, refScores, live, truths);
        Watched viaOnnx = serve(server, "churn-onnx", reference, refLabels, refScores, live, truths);

        for (int i = 0; i < live.size(); i++) {
          assertEquals(viaTribuo.answers.get(i), viaOnnx.answers.get(i), "row " + i + "'s predicted class");
        }
        List<WindowReport> t = viaTribuo.monitor.reports();
        List<WindowReport> o = viaOnnx.monitor.reports();
        assertEquals(3, t.size());
        assertEquals(3, o.size());
        for (int w = 0; w < 3; w++) {
          assertEquals(100, o.get(w).rows());
          assertEquals(names(t.get(w)), names(o.get(w)));
          assertTrue(names(o.get(w)).containsAll(List.of("tenure", "calls", "prediction", "prediction_score")), names(o.get(w)).toString());
          for (int c = 0; c < t.get(w).drift().columns().size(); c++) {
            ColumnDrift a = t.get(w).drift().columns().get(c);
            ColumnDrift b = o.get(w).drift().columns().get(c);
            assertEquals(a.drift(), b.drift(), "window " + w + ", " + a.name());
            assertEquals(a.statistic(), b.statistic(), 1e-4, "window " + w + ", " + a.name());
          }
        }
        assertTrue(o.get(2).drift().driftedColumns() > 0, "the live rows drift by the last window: " + o.get(2).drift().verdict());

        List<PredictionLog.WindowPerformance> tw = viaTribuo.log.windows();
        List<PredictionLog.WindowPerformance> ow = viaOnnx.log.windows();
        assertEquals(3, ow.size());
        for (int w = 0; w < 3; w++) {
          assertEquals(tw.get(w).predictions(), ow.get(w).predictions());
          assertEquals(tw.get(w).labelled(), ow.get(w).labelled());
          assertNotNull(ow.get(w).estimated(), "CBPE estimates window " + w);
          assertEquals(tw.get(w).estimated().accuracy(), ow.get(w).estimated().accuracy(), 1e-5, "window " + w + "'s CBPE accuracy");
          assertEquals(tw.get(w).estimated().f1(), ow.get(w).estimated().f1(), 1e-5, "window " + w + "'s CBPE F1");
          if (tw.get(w).realized() != null) {
            assertEquals(tw.get(w).realized().accuracy(), ow.get(w).realized().accuracy(), "window " + w + "'s realized accuracy");
            assertEquals(tw.get(w).realized().rocAuc(), ow.get(w).realized().rocAuc(), 1e-5, "window " + w + "'s AUC");
          }
        }
        assertEquals(100, ow.get(0).labelled());
        assertEquals(50, ow.get(1).labelled());
        assertEquals(0, ow.get(2).labelled());
      }
    }
  }

  /** An endpoint's monitor, prediction log and answers. */
  record Watched(Monitor monitor, PredictionLog log, List<String> answers) {}

  private static Watched serve(ModelServer server, String model, Profile reference, int[] refLabels, double[] refScores,
      List<Map<String, Object>> live, List<String> truths) throws InterruptedException {
    Monitor monitor = Monitor.builder(model).reference(reference).windowRows(100).executor(Runnable::run).build();
    PredictionLog log = new PredictionLog(100, 0.5).reference(refLabels, refScores);
    Endpoint<Label> e = server.endpoint(model, Label.class).serve("models:/" + model + "@champion").logTo(monitor).logOutputs(true)
        .predictionLog(log, "churn").build();
    List<String> answers = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    for (Map<String, Object> row : live) {
      Served<Label> s = e.predict(row);
      answers.add(s.outputText());
      ids.add(s.requestId());
    }
    for (int i = 0; i < 150; i++) {
      assertTrue(e.feedback(ids.get(i), new Label(truths.get(i))));
    }
    assertTrue(e.awaitBackgroundWork(Eventually.DEFAULT_TIMEOUT.toMillis()));
    return new Watched(monitor, log, answers);
  }

  private static List<String> names(WindowReport report) {
    return report.drift().columns().stream().map(ColumnDrift::name).toList();
  }

  static List<String> featureOrder(Model<Label> model) {
    ImmutableFeatureMap map = model.getFeatureIDMap();
    String[] names = new String[map.size()];
    map.forEach(info -> names[map.getID(info.getName())] = info.getName());
    return List.of(names);
  }

  static List<String> classOrder(Model<Label> model) {
    ImmutableOutputInfo<Label> info = model.getOutputIDInfo();
    List<String> classes = new ArrayList<>();
    for (int i = 0; i < info.size(); i++) {
      classes.add(info.getOutput(i).getLabel());
    }
    return classes;
  }
}
