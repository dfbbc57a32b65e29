package dev.mlops.retraining;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlops.api.InvalidArgumentException;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The blessing rule's arithmetic, and McNemar's test against SciPy's values. */
class BlessingTest {
  private static Evaluation eval(double accuracy) {
    return new Evaluation(Map.of("accuracy", accuracy, "rmse", 1.0), null);
  }

  @Test
  void mcnemarAgreesWithScipy() throws Exception {
    int rows = 0;
    try (BufferedReader r = new BufferedReader(new InputStreamReader(
        BlessingTest.class.getResourceAsStream("/golden/mcnemar-scipy.csv"), StandardCharsets.UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        if (line.startsWith("#") || line.startsWith("b,")) {
          continue;
        }
        String[] f = line.split(",");
        McNemar m = McNemar.of(Long.parseLong(f[0]), Long.parseLong(f[1]));
        assertEquals(Boolean.parseBoolean(f[2]), m.exact(), line);
        assertEquals(Double.parseDouble(f[3]), m.statistic(), 1e-12, line);
        double p = Double.parseDouble(f[4]);
        assertEquals(p, m.pValue(), Math.max(1e-12, p * 1e-9), line);
        rows++;
      }
    }
    assertEquals(14, rows);
  }

  @Test
  void mcnemarCountsDiscordantRows() {
    McNemar m = McNemar.of(new boolean[] {true, true, false, false, true}, new boolean[] {true, false, true, true, true});
    assertEquals(1, m.b());
    assertEquals(2, m.c());
    assertThrows(InvalidArgumentException.class, () -> McNemar.of(new boolean[2], new boolean[3]));
  }

  @Test
  void detailsWriteFiguresWithoutTrailingZeros() {
    MetricThreshold t = MetricThreshold.higherIsBetter("accuracy").absoluteChange(-0.01).atLeast(0.7);
    assertEquals("accuracy = 0.88 (champion 0.545) passes", t.check(0.88, 0.545).detail());
    assertEquals("accuracy = 0.6 is below the floor 0.7; accuracy change -0.3 (challenger 0.6, champion 0.9) is below the allowed -0.01",
        t.check(0.6, 0.9).detail());
  }

  @Test
  void changeConditionsFollowTheDirectionAndDocumentedSigns() {
    MetricThreshold noWorseBy = MetricThreshold.higherIsBetter("accuracy").absoluteChange(-0.01);
    assertTrue(noWorseBy.check(0.895, 0.90).passed(), "a regression of 0.005 is allowed");
    assertFalse(noWorseBy.check(0.88, 0.90).passed());
    MetricThreshold mustImprove = MetricThreshold.higherIsBetter("accuracy").relativeChange(0.02);
    assertTrue(mustImprove.check(0.918, 0.90).passed(), "+2 % exactly passes (inclusive)");
    assertFalse(mustImprove.check(0.917, 0.90).passed());
    MetricThreshold rmse = MetricThreshold.lowerIsBetter("rmse").absoluteChange(0.1);
    assertTrue(rmse.check(1.05, 1.0).passed());
    assertFalse(rmse.check(1.2, 1.0).passed());
    BlessingDecision.MetricCheck zero = MetricThreshold.higherIsBetter("r2").relativeChange(-0.1).check(0.5, 0.0);
    assertFalse(zero.passed());
    assertTrue(zero.detail().contains("undefined"), zero.detail());
    BlessingDecision.MetricCheck negativeBase = MetricThreshold.higherIsBetter("r2").relativeChange(0.5).check(-0.4, -1.0);
    assertEquals(0.6, negativeBase.relativeChange(), 1e-12, "relative to |b|: from -1 to -0.4 is +60 %");
    assertTrue(negativeBase.passed());
    assertFalse(MetricThreshold.higherIsBetter("auc").atLeast(0.5).check(null, 0.7).passed(), "a missing metric fails");
  }

  @Test
  void aRuleRecordsEveryFigureAndNeverDecidesSilently() {
    assertThrows(InvalidArgumentException.class, Blessing::of);
    Blessing rule = Blessing.of(MetricThreshold.higherIsBetter("accuracy").absoluteChange(0).atLeast(0.7),
        MetricThreshold.lowerIsBetter("rmse").atMost(2));
    BlessingDecision d = rule.decide(eval(0.8), eval(0.85), 1);
    assertFalse(d.blessed());
    assertEquals(2, d.checks().size());
    assertEquals(-0.05, d.checks().get(0).change(), 1e-12);
    assertTrue(d.reason().startsWith("not blessed"), d.reason());
    assertTrue(rule.decide(eval(0.86), eval(0.85), 1).blessed());
    BlessingDecision missing = Blessing.of(MetricThreshold.higherIsBetter("f1").atLeast(0.1)).decide(eval(0.9), null, 1);
    assertFalse(missing.blessed());
    assertTrue(missing.reason().contains("'f1' not found"), missing.reason());
    BlessingDecision overBudget = Blessing.of(MetricThreshold.higherIsBetter("accuracy").atLeast(0.1)).holdoutBudget(3)
        .decide(eval(0.9), eval(0.8), 4);
    assertFalse(overBudget.blessed());
    assertTrue(overBudget.reason().contains("budget of 3"), overBudget.reason());
  }

  @Test
  void significanceNeedsMoreRowsOnlyTheChallengerGotRight() {
    boolean[] champion = new boolean[200];
    boolean[] challenger = new boolean[200];
    for (int i = 0; i < 200; i++) {
      champion[i] = i < 140;
      challenger[i] = i < 170;
    }
    Blessing rule = Blessing.of(MetricThreshold.higherIsBetter("accuracy").absoluteChange(0)).requireSignificantImprovement(0.05);
    BlessingDecision d = rule.decide(new Evaluation(Map.of("accuracy", 0.85), challenger), new Evaluation(Map.of("accuracy", 0.70), champion), 1);
    assertTrue(d.blessed(), d.reason());
    assertEquals(30, d.mcnemar().c());
    BlessingDecision reversed = rule.decide(new Evaluation(Map.of("accuracy", 0.85), champion), new Evaluation(Map.of("accuracy", 0.85), champion), 1);
    assertFalse(reversed.blessed(), "no discordant rows: not significantly better");
  }
}
