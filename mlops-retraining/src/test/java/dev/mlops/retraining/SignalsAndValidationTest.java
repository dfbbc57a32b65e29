package dev.mlops.retraining;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlops.api.InvalidArgumentException;
import dev.mlops.monitoring.performance.PredictionLog;
import dev.mlops.monitoring.quality.Check;
import dev.mlops.monitoring.quality.DataQuality;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;

/** Performance signals read from a prediction log's delayed labels, and data validation with the monitoring module's quality checks. */
class SignalsAndValidationTest {
  /** A log whose reference scores are right 90 % of the time, then a window right {@code share} of the time. */
  private static PredictionLog log(double share) {
    Random r = new Random(5);
    int[] labels = new int[1000];
    double[] scores = new double[1000];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = r.nextInt(2);
      boolean right = r.nextDouble() < 0.9;
      scores[i] = (labels[i] == 1) == right ? 0.8 : 0.2;
    }
    PredictionLog log = new PredictionLog(500, 0.5).reference(labels, scores);
    for (int i = 0; i < 500; i++) {
      int label = r.nextInt(2);
      boolean right = r.nextDouble() < share;
      log.predict("p" + i, (label == 1) == right ? 0.8 : 0.2);
      log.label("p" + i, label);
    }
    return log;
  }

  @Test
  void aPredictionLogsDelayedLabelsReadAgainstAFloorOrTheReference() {
    PerformanceCheck fine = PerformanceSignal.predictionLog(log(0.9), "accuracy", 0.8).check().orElseThrow();
    assertFalse(fine.degraded(), fine.toString());
    assertTrue(fine.source().contains("delayed labels"), fine.source());
    PerformanceCheck dropped = PerformanceSignal.predictionLogBelowReference(log(0.6), "accuracy", 0.05).check().orElseThrow();
    assertTrue(dropped.degraded(), dropped.toString());
    assertTrue(dropped.threshold() > 0.8 && dropped.threshold() < 0.9, "the reference's accuracy minus the margin: " + dropped.threshold());
    assertEquals("window-0", dropped.key());
    assertTrue(PerformanceSignal.predictionLog(new PredictionLog(500, 0.5), "f1", 0.5).check().isEmpty(), "no window yet, no reading");
    assertThrows(InvalidArgumentException.class, () -> PerformanceSignal.predictionLog(log(0.9), "auc", 0.5));
    assertThrows(InvalidArgumentException.class, () -> PerformanceSignal.predictionLogBelowReference(new PredictionLog(500, 0.5), "f1", 0.1));
  }

  @Test
  void qualityChecksAgainstTheReferenceRefuseBadTrainingData() {
    MutableDataset<Label> good = Fixture.data(3, 400, 0);
    MutableDataset<Label> holdout = Fixture.data(4, 100, 0);
    DataValidation v = DataValidation.defaults().quality(DataQuality.with(List.of(Check.range("x2", -5, 5))));
    ValidationResult ok = v.validate(good, holdout, Set.of("x1", "x2"), Fixture.profile(5, 2000, 0));
    assertTrue(ok.passed(), ok.failures().toString());
    // the same rows far outside the reference's range: out-of-range shares and the declared range both fail
    ValidationResult bad = v.validate(Fixture.data(3, 400, 30), holdout, Set.of("x1", "x2"), Fixture.profile(5, 2000, 0));
    assertFalse(bad.passed());
    assertTrue(bad.failures().get(0).contains("data quality against the reference failed"), bad.failures().toString());
    assertTrue(bad.failures().get(0).contains("out_of_range_share(x1)"), bad.failures().toString());
    ValidationResult missingFeature = DataValidation.defaults().validate(good, holdout, Set.of("x1", "x2", "x3"), null);
    assertFalse(missingFeature.passed());
    assertTrue(missingFeature.failures().get(0).contains("[x3]"), missingFeature.failures().toString());
    ValidationResult noReference = v.validate(good, holdout, Set.of(), null);
    assertFalse(noReference.passed(), "quality checks without a reference are a configuration problem, reported");
    ValidationResult tooFew = DataValidation.defaults().minRows(500).validate(good, holdout, Set.of(), null);
    assertTrue(tooFew.failures().get(0).contains("fewer than the minimum 500"), tooFew.failures().toString());
  }
}
