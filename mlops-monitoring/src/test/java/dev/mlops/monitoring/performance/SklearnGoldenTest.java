package dev.mlops.monitoring.performance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

/** Performance metrics and CBPE against scikit-learn's values ({@code golden/sklearn_golden.json}, made by generate_performance.py). */
class SklearnGoldenTest {
  static JsonNode golden() throws Exception {
    try (InputStream in = SklearnGoldenTest.class.getResourceAsStream("/golden/sklearn_golden.json")) {
      return new ObjectMapper().readTree(in);
    }
  }

  static double[] doubles(JsonNode n) {
    double[] a = new double[n.size()];
    for (int i = 0; i < a.length; i++) {
      a[i] = n.get(i).asDouble();
    }
    return a;
  }

  static int[] ints(JsonNode n) {
    int[] a = new int[n.size()];
    for (int i = 0; i < a.length; i++) {
      a[i] = n.get(i).asInt();
    }
    return a;
  }

  @Test
  void classificationMetricsMatchScikitLearn() throws Exception {
    for (JsonNode c : golden().get("classification")) {
      ClassificationMetrics m = ClassificationMetrics.binary(ints(c.get("labels")), doubles(c.get("scores")), 0.5);
      String n = c.get("name").asText();
      assertEquals(c.get("accuracy").asDouble(), m.accuracy(), 1e-12, n);
      assertEquals(c.get("precision").asDouble(), m.precision(), 1e-12, n);
      assertEquals(c.get("recall").asDouble(), m.recall(), 1e-12, n);
      assertEquals(c.get("f1").asDouble(), m.f1(), 1e-12, n);
      assertEquals(c.get("roc_auc").asDouble(), m.rocAuc(), 1e-12, n);
      assertEquals(c.get("log_loss").asDouble(), m.logLoss(), 1e-9, n);
    }
  }

  @Test
  void regressionMetricsMatchScikitLearn() throws Exception {
    for (JsonNode c : golden().get("regression")) {
      RegressionMetrics m = RegressionMetrics.of(doubles(c.get("actual")), doubles(c.get("predicted")));
      assertEquals(c.get("mae").asDouble(), m.mae(), 1e-10);
      assertEquals(c.get("rmse").asDouble(), m.rmse(), 1e-10);
      assertEquals(c.get("r2").asDouble(), m.r2(), 1e-10);
    }
  }

  @Test
  void cbpeCalibratesLikeScikitLearnAndEstimatesBeforeLabels() throws Exception {
    JsonNode c = golden().get("cbpe");
    Cbpe cbpe = Cbpe.fit(ints(c.get("reference_labels")), doubles(c.get("reference_scores")), 0.5);
    double[] probe = doubles(c.get("probe"));
    double[] expected = doubles(c.get("calibrated_probe"));
    for (int i = 0; i < probe.length; i++) {
      assertEquals(expected[i], cbpe.calibrate(probe[i]), 1e-9, "calibrated " + probe[i]);
    }
    Cbpe.Estimate e = cbpe.estimate(doubles(c.get("current_scores")));
    assertEquals(c.get("accuracy").asDouble(), e.accuracy(), 1e-9);
    assertEquals(c.get("f1").asDouble(), e.f1(), 1e-9);
    assertTrue(Math.abs(e.accuracy() - c.get("realized_accuracy").asDouble()) < 0.05, "the estimate is near the realized accuracy");
  }
}
