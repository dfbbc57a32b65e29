package dev.mlops.monitoring.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The pieces under the drift tests against SciPy and NumPy on the same input: the quantile bins
 * (edges and shares) and the Kolmogorov distribution. Each drift test's own result is checked in
 * {@code DriftTestGoldenTest}. The inputs and SciPy's results are in {@code golden/scipy_golden.json},
 * made by {@code golden/generate.py} (SciPy 1.10.1 from Debian). Values agree to a relative error of
 * 1e-6, probabilities to an absolute error of 1e-6.
 */
class ScipyGoldenTest {
  private static final JsonNode GOLDEN = load();

  private static JsonNode load() {
    try (InputStream in = ScipyGoldenTest.class.getResourceAsStream("/golden/scipy_golden.json")) {
      return new ObjectMapper().readTree(in);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static void assertStatistic(double expected, double actual, String what) {
    if (Double.isInfinite(expected) || Double.isNaN(expected)) {
      assertEquals(expected, actual, what);
      return;
    }
    double tol = Math.max(1e-6 * Math.abs(expected), 1e-12);
    assertEquals(expected, actual, tol, what);
  }

  static void assertP(double expected, double actual, String what) {
    assertEquals(expected, actual, 1e-6, what);
  }

  private static double[] array(JsonNode n) {
    double[] a = new double[n.size()];
    for (int i = 0; i < a.length; i++) {
      a[i] = n.get(i).asDouble();
    }
    return a;
  }

  @TestFactory
  Stream<DynamicTest> quantileBins() {
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode c : GOLDEN.get("numeric")) {
      String name = c.get("name").asText();
      double[] ref = array(c.get("reference"));
      double[] cur = array(c.get("current"));
      int bins = c.get("bins").asInt();
      tests.add(DynamicTest.dynamicTest(name + ": edges and shares", () -> {
        Binned.Shares s = Binned.numerical(ref, cur, bins);
        double[] edges = Binned.quantileEdges(ref, bins);
        double[] expectedEdges = array(c.get("edges"));
        assertEquals(expectedEdges.length, edges.length, "edges");
        for (int i = 0; i < edges.length; i++) {
          assertStatistic(expectedEdges[i], edges[i], "edge " + i);
        }
        double[] rs = array(c.get("reference_shares"));
        double[] cs = array(c.get("current_shares"));
        for (int i = 0; i < rs.length; i++) {
          assertEquals(rs[i], s.reference()[i], 1e-12, "reference share " + i);
          assertEquals(cs[i], s.current()[i], 1e-12, "current share " + i);
        }
      }));
    }
    return tests.stream();
  }

  @TestFactory
  Stream<DynamicTest> kolmogorovDistribution() {
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode row : GOLDEN.get("kstwo_sf")) {
      long n = row.get(0).asLong();
      double d = row.get(1).asDouble();
      double expected = row.get(2).asDouble();
      tests.add(DynamicTest.dynamicTest("kstwo.sf(" + d + ", " + n + ")", () -> assertP(expected, Kolmogorov.sf(n, d), "sf")));
    }
    return tests.stream();
  }
}
