package dev.mlops.monitoring.performance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlops.api.InvalidArgumentException;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PredictionLogTest {
  @Test
  void labelsJoinLaterAndCbpeEstimatesBeforeThem() {
    Random r = new Random(3);
    int n = 4000;
    int[] refLabels = new int[n];
    double[] refScores = new double[n];
    for (int i = 0; i < n; i++) {
      refLabels[i] = r.nextInt(2);
      refScores[i] = 1 / (1 + Math.exp(-(refLabels[i] * 2 - 1) * 1.5 + r.nextGaussian()));
    }
    PredictionLog log = new PredictionLog(1000, 0.5).reference(refLabels, refScores);
    int[] truth = new int[3000];
    for (int i = 0; i < 3000; i++) {
      truth[i] = r.nextInt(2);
      log.predict("p" + i, 1 / (1 + Math.exp(-(truth[i] * 2 - 1) * 1.5 + r.nextGaussian())));
    }
    List<PredictionLog.WindowPerformance> before = log.windows();
    assertEquals(3, before.size());
    assertNull(before.get(0).realized(), "no labels yet");
    double estimate = before.get(0).estimated().accuracy();
    for (int i = 0; i < 1000; i++) {
      log.label("p" + i, truth[i]);
    }
    PredictionLog.WindowPerformance w0 = log.windows().get(0);
    assertEquals(1000, w0.labelled());
    assertTrue(Math.abs(w0.realized().accuracy() - estimate) < 0.04, w0.realized().accuracy() + " vs estimate " + estimate);
    assertEquals(0, log.windows().get(1).labelled());
    assertThrows(InvalidArgumentException.class, () -> log.label("nope", 1));
    assertThrows(InvalidArgumentException.class, () -> log.predict("p1", 0.3));
    assertThrows(InvalidArgumentException.class, () -> log.label("p1", 2));
  }
}
