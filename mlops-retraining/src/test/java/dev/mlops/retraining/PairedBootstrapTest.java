package dev.mlops.retraining;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlops.api.InvalidArgumentException;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The paired bootstrap against SciPy's percentile intervals on the same rows (golden values and their source in the resource). */
class PairedBootstrapTest {
  private final double[] champion;
  private final double[] challenger;
  private final Map<String, double[]> reference = new HashMap<>();

  PairedBootstrapTest() throws Exception {
    List<double[]> rows = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(
        PairedBootstrapTest.class.getResourceAsStream("/golden/paired-bootstrap-scipy.csv"), StandardCharsets.UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        if (line.startsWith("# ") && line.contains("=") && !line.contains("(")) {
          String[] kv = line.substring(2).split("=");
          String[] v = kv[1].split(",");
          double[] d = new double[v.length];
          for (int i = 0; i < v.length; i++) {
            d[i] = Double.parseDouble(v[i]);
          }
          reference.put(kv[0], d);
        } else if (!line.startsWith("#") && !line.startsWith("champion")) {
          String[] f = line.split(",");
          rows.add(new double[] {Double.parseDouble(f[0]), Double.parseDouble(f[1])});
        }
      }
    }
    champion = rows.stream().mapToDouble(x -> x[0]).toArray();
    challenger = rows.stream().mapToDouble(x -> x[1]).toArray();
  }

  @ParameterizedTest(name = "{0} % interval")
  @ValueSource(ints = {95, 90})
  void percentileIntervalsAgreeWithScipy(int level) {
    assertEquals(300, champion.length);
    double se = reference.get("se")[0];
    PairedBootstrap b = PairedBootstrap.of(champion, challenger, level / 100.0, 100_000, 7);
    double[] ci = reference.get("ci" + level);
    assertEquals(reference.get("mean")[0], b.meanDifference(), 1e-12);
    // Monte Carlo error of a 2.5 % quantile with 1e5 and 2e5 resamples is about 0.01 standard errors
    assertEquals(ci[0], b.low(), 0.05 * se, level + "% low");
    assertEquals(ci[1], b.high(), 0.05 * se, level + "% high");
  }

  @Test
  void theChallengerIsBetterExactlyWhenSciPysIntervalExcludesZero() {
    assertFalse(PairedBootstrap.of(champion, challenger, 0.95, 100_000, 7).challengerBetter(), "SciPy's 95 % interval contains 0");
    assertTrue(PairedBootstrap.of(champion, challenger, 0.90, 100_000, 7).challengerBetter(), "SciPy's 90 % interval does not");
  }

  @Test
  void aRegressorMustReduceTheLossSignificantlyWhenAsked() {
    Evaluation champ = new Evaluation(Map.of("rmse", 1.0), null, champion);
    Evaluation chall = new Evaluation(Map.of("rmse", 0.98), null, challenger);
    Blessing at10 = Blessing.of(MetricThreshold.lowerIsBetter("rmse").absoluteChange(0)).requireSignificantImprovement(0.10);
    BlessingDecision d = at10.decide(chall, champ, 1);
    assertTrue(d.blessed(), d.reason());
    assertEquals(0.90, d.bootstrap().confidence(), 1e-12);
    BlessingDecision at5 = Blessing.of(MetricThreshold.lowerIsBetter("rmse").absoluteChange(0)).requireSignificantImprovement(0.05)
        .decide(chall, champ, 1);
    assertFalse(at5.blessed());
    assertTrue(at5.reason().contains("mean loss reduction"), at5.reason());
  }

  @Test
  void badInputIsRefused() {
    assertThrows(InvalidArgumentException.class, () -> PairedBootstrap.of(new double[2], new double[3], 0.95, 1000, 1));
    assertThrows(InvalidArgumentException.class, () -> PairedBootstrap.of(new double[2], new double[2], 1.5, 1000, 1));
    assertThrows(InvalidArgumentException.class, () -> PairedBootstrap.of(new double[0], new double[0], 0.95, 1000, 1));
  }
}
