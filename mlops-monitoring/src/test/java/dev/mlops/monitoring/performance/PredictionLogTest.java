package dev.mlops.monitoring.performance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
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

  @Test
  void manyThreadsRecordAndLabelWithoutLosingAnything() throws Exception {
    PredictionLog log = PredictionLog.builder("concurrent").windowSize(500).retainWindows(1000).build();
    int threads = 8;
    int each = 2_000;
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
    try {
      List<java.util.concurrent.Future<?>> fs = new java.util.ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        fs.add(pool.submit(() -> {
          for (int i = 0; i < each; i++) {
            String id = thread + "-" + i;
            log.predict(id, (i % 10) / 10.0);
            log.label(id, i % 2);
          }
          return null;
        }));
      }
      for (java.util.concurrent.Future<?> f : fs) {
        f.get(1, java.util.concurrent.TimeUnit.MINUTES);
      }
    } finally {
      pool.shutdown();
    }
    List<PredictionLog.WindowPerformance> windows = log.windows();
    assertEquals(threads * each / 500, windows.size());
    assertEquals(threads * each, windows.stream().mapToInt(PredictionLog.WindowPerformance::predictions).sum());
    assertEquals(threads * each, windows.stream().mapToInt(PredictionLog.WindowPerformance::labelled).sum());
  }

  @Test
  void oldWindowsLeaveMemoryForTheStoreAndAreReadBack() {
    try (dev.mlops.api.StorageBackend backend = dev.mlops.api.StorageBackend.open("mem:predictions-" + System.nanoTime())) {
      dev.mlops.api.monitoring.MonitoringStore store = backend.store(dev.mlops.api.monitoring.MonitoringStore.class);
      PredictionLog log = PredictionLog.builder("churn").windowSize(10).retainWindows(2).store(store).build();
      for (int i = 0; i < 50; i++) {
        log.predict("p" + i, i % 2 == 0 ? 0.9 : 0.1);
        if (i >= 40) {
          log.label("p" + i, i % 2 == 0 ? 1 : 0);
        }
      }
      assertThrows(InvalidArgumentException.class, () -> log.label("p0", 1), "window 0 has left memory");
      assertEquals(3, store.profileKeys("churn", "predictions/").size(), "windows 0-2 were written out; 3 and 4 are retained");
      List<PredictionLog.WindowPerformance> windows = log.windows();
      assertEquals(List.of(0L, 1L, 2L, 3L, 4L), windows.stream().map(PredictionLog.WindowPerformance::window).toList());
      assertEquals(10, windows.get(0).predictions());
      assertEquals(1.0, windows.get(4).realized().accuracy());
      log.close();
      PredictionLog reopened = PredictionLog.builder("churn").windowSize(10).store(store).build();
      reopened.predict("q", 0.5);
      assertEquals(5, reopened.windows().get(reopened.windows().size() - 1).window(), "numbering continues after the stored windows");
    }
  }

  @Test
  void theReferenceWindowIsStoredSoAReopenedLogEstimatesAsBefore() {
    try (dev.mlops.api.StorageBackend backend = dev.mlops.api.StorageBackend.open("mem:predictions-ref-" + System.nanoTime())) {
      dev.mlops.api.monitoring.MonitoringStore store = backend.store(dev.mlops.api.monitoring.MonitoringStore.class);
      java.util.Random r = new java.util.Random(4);
      int[] labels = new int[400];
      double[] scores = new double[400];
      for (int i = 0; i < labels.length; i++) {
        labels[i] = r.nextBoolean() ? 1 : 0;
        scores[i] = Math.min(0.99, Math.max(0.01, (labels[i] == 1 ? 0.7 : 0.3) + 0.2 * r.nextGaussian()));
      }
      PredictionLog log = PredictionLog.builder("churn").windowSize(50).store(store).build().reference(labels, scores);
      for (int i = 0; i < 100; i++) {
        log.predict("p" + i, r.nextDouble());
      }
      log.flush();
      List<PredictionLog.WindowPerformance> before = log.windows();
      assertNotNull(before.get(0).estimated());
      PredictionLog reopened = PredictionLog.builder("churn").windowSize(50).store(store).build();
      assertEquals(log.referenceMetrics(), reopened.referenceMetrics());
      List<PredictionLog.WindowPerformance> after = reopened.windows();
      assertEquals(before.size(), after.size());
      for (int w = 0; w < before.size(); w++) {
        assertEquals(before.get(w).estimated(), after.get(w).estimated(), "window " + w + " is estimated the same");
      }
    }
  }

  @Test
  void nonFiniteScoresAreRefused() {
    PredictionLog log = new PredictionLog(10, 0.5);
    assertThrows(InvalidArgumentException.class, () -> log.predict("a", Double.NaN));
    assertThrows(InvalidArgumentException.class, () -> log.predict("b", Double.POSITIVE_INFINITY));
  }
}
