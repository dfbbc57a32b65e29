package dev.mlops.monitoring.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every drift statistic against SciPy's value on the same input. The inputs and SciPy's results are
 * in {@code golden/scipy_golden.json}, made by {@code golden/generate.py} (SciPy 1.10.1 from Debian).
 * Statistics agree to a relative error of 1e-6, p-values to an absolute error of 1e-6.
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

  private static void pair(JsonNode expected, TestResult actual, String what) {
    assertStatistic(expected.get(0).asDouble(), actual.statistic(), what + " statistic");
    assertP(expected.get(1).asDouble(), actual.pValue(), what + " p-value");
  }

  @TestFactory
  Stream<DynamicTest> numericalSamples() {
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode c : GOLDEN.get("numeric")) {
      String name = c.get("name").asText();
      double[] ref = array(c.get("reference"));
      double[] cur = array(c.get("current"));
      tests.add(DynamicTest.dynamicTest(name + ": ks", () -> pair(c.get("ks"), TwoSample.ks(ref, cur), "ks")));
      tests.add(DynamicTest.dynamicTest(name + ": wasserstein", () ->
          assertStatistic(c.get("wasserstein").asDouble(), TwoSample.normedWasserstein(ref, cur), "wasserstein")));
      tests.add(DynamicTest.dynamicTest(name + ": energy", () ->
          assertStatistic(c.get("energy").asDouble(), TwoSample.energy(ref, cur), "energy")));
      tests.add(DynamicTest.dynamicTest(name + ": mannw", () -> pair(c.get("mannw"), TwoSample.mannWhitney(ref, cur), "mannw")));
      tests.add(DynamicTest.dynamicTest(name + ": t_test", () -> {
        TestResult t = TwoSample.welchT(ref, cur);
        JsonNode e = c.get("t_test");
        if (e.get(0).isNull() || Double.isNaN(e.get(0).asDouble())) {
          assertTrue(Double.isNaN(t.statistic()));
        } else {
          pair(e, t, "t_test");
        }
      }));
      if (c.has("anderson")) {
        tests.add(DynamicTest.dynamicTest(name + ": anderson", () -> pair(c.get("anderson"), TwoSample.andersonDarling(ref, cur), "anderson")));
      }
      if (c.has("cramer_von_mises")) {
        tests.add(DynamicTest.dynamicTest(name + ": cramer_von_mises", () ->
            pair(c.get("cramer_von_mises"), TwoSample.cramerVonMises(ref, cur), "cramer_von_mises")));
      }
      tests.add(DynamicTest.dynamicTest(name + ": binned", () -> {
        Binned.Shares s = Binned.numerical(ref, cur, c.get("bins").asInt());
        double[] edges = Binned.quantileEdges(ref, c.get("bins").asInt());
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
        assertStatistic(c.get("psi").asDouble(), Binned.psi(s), "psi");
        assertStatistic(c.get("kl_div").asDouble(), Binned.klDivergence(s), "kl_div");
        assertStatistic(c.get("jensenshannon").asDouble(), Binned.jensenShannon(s), "jensenshannon");
        assertStatistic(c.get("hellinger").asDouble(), Binned.hellinger(s), "hellinger");
      }));
    }
    return tests.stream();
  }

  @TestFactory
  Stream<DynamicTest> categoricalSamples() {
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode c : GOLDEN.get("categorical")) {
      String name = c.get("name").asText();
      Map<String, Long> ref = counts(c.get("reference"));
      Map<String, Long> cur = counts(c.get("current"));
      Binned.Shares s = Binned.categorical(ref, cur);
      long[] rc = new long[s.labels().length];
      long[] cc = new long[s.labels().length];
      for (int i = 0; i < rc.length; i++) {
        rc[i] = ref.getOrDefault(s.labels()[i], 0L);
        cc[i] = cur.getOrDefault(s.labels()[i], 0L);
      }
      tests.add(DynamicTest.dynamicTest(name + ": chisquare", () -> pair(c.get("chisquare"), TwoSample.chiSquare(rc, cc), "chisquare")));
      tests.add(DynamicTest.dynamicTest(name + ": g_test", () -> pair(c.get("g_test"), TwoSample.gTest(rc, cc), "g_test")));
      tests.add(DynamicTest.dynamicTest(name + ": binned", () -> {
        assertStatistic(c.get("psi").asDouble(), Binned.psi(s), "psi");
        assertStatistic(c.get("kl_div").asDouble(), Binned.klDivergence(s), "kl_div");
        assertStatistic(c.get("jensenshannon").asDouble(), Binned.jensenShannon(s), "jensenshannon");
        assertStatistic(c.get("hellinger").asDouble(), Binned.hellinger(s), "hellinger");
      }));
      if (c.has("z")) {
        tests.add(DynamicTest.dynamicTest(name + ": z", () ->
            pair(c.get("z"), TwoSample.zTest(rc[0], rc[0] + rc[1], cc[0], cc[0] + cc[1]), "z")));
        tests.add(DynamicTest.dynamicTest(name + ": fisher_exact", () ->
            pair(c.get("fisher_exact"), TwoSample.fisherExact(rc[0], rc[1], cc[0], cc[1]), "fisher_exact")));
      }
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

  private static Map<String, Long> counts(JsonNode n) {
    Map<String, Long> m = new LinkedHashMap<>();
    n.fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().asLong()));
    return m;
  }
}
