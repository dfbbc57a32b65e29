package dev.mlops.monitoring.drift;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mlops.monitoring.data.Column;
import dev.mlops.monitoring.data.Table;
import dev.mlops.monitoring.stats.TestResult;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every {@link DriftTest}, run through its own computation on a column's raw values, against
 * SciPy's value on the same input. The inputs and SciPy's results are in
 * {@code golden/scipy_golden.json}, made by {@code golden/generate.py} (SciPy 1.10.1 from Debian),
 * keyed by each test's {@link DriftTest#id()}: a numerical case holds the tests of numbers and the
 * binned ones, a categorical case the count tests and the binned ones. Statistics agree to a relative
 * error of 1e-6, p-values to an absolute error of 1e-6. A new test needs its values in the file:
 * {@link #everyTestHasSciPyValues()} fails until it has some.
 */
class DriftTestGoldenTest {
  private static final JsonNode GOLDEN = load();

  private static JsonNode load() {
    try (InputStream in = DriftTestGoldenTest.class.getResourceAsStream("/golden/scipy_golden.json")) {
      return new ObjectMapper().readTree(in);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void everyTestHasSciPyValues() {
    Set<String> covered = new HashSet<>();
    for (JsonNode c : GOLDEN.get("numeric")) {
      c.fieldNames().forEachRemaining(covered::add);
    }
    for (JsonNode c : GOLDEN.get("categorical")) {
      c.fieldNames().forEachRemaining(covered::add);
    }
    List<String> missing = Arrays.stream(DriftTest.values()).map(DriftTest::id).filter(id -> !covered.contains(id)).toList();
    assertTrue(missing.isEmpty(), "tests without SciPy values in scipy_golden.json: " + missing);
  }

  @TestFactory
  Stream<DynamicTest> numericalCases() {
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode c : GOLDEN.get("numeric")) {
      Table ref = Table.of(List.of(Column.numerical("x", array(c.get("reference")))));
      Table cur = Table.of(List.of(Column.numerical("x", array(c.get("current")))));
      int bins = c.get("bins").asInt();
      tests.addAll(cases(c, ExactStatistics.sides(ref, cur), bins));
    }
    return tests.stream();
  }

  @TestFactory
  Stream<DynamicTest> categoricalCases() {
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode c : GOLDEN.get("categorical")) {
      Table ref = Table.of(List.of(Column.categorical("x", expand(c.get("reference")))));
      Table cur = Table.of(List.of(Column.categorical("x", expand(c.get("current")))));
      tests.addAll(cases(c, ExactStatistics.sides(ref, cur), 10));
    }
    return tests.stream();
  }

  /** One dynamic test per drift test the case holds SciPy's value of, each on fresh statistics of the case's column. */
  private static List<DynamicTest> cases(JsonNode c, DriftEngine.Sides sides, int bins) {
    List<DynamicTest> out = new ArrayList<>();
    for (DriftTest test : DriftTest.values()) {
      JsonNode expected = c.get(test.id());
      if (expected != null) {
        String what = c.get("name").asText() + ": " + test.id();
        out.add(DynamicTest.dynamicTest(what, () -> check(expected, test.compute(sides.column("x", bins)), test, what)));
      }
    }
    return out;
  }

  private static void check(JsonNode expected, TestResult actual, DriftTest test, String what) {
    if (!test.isPValue()) {
      statistic(expected.asDouble(), actual.statistic(), what);
      return;
    }
    JsonNode statistic = expected.get(0);
    if (statistic.isNull() || Double.isNaN(statistic.asDouble())) {
      // SciPy gives no statistic (Welch's t of two constant samples): neither does the test
      assertTrue(Double.isNaN(actual.statistic()), what + ": " + actual);
      return;
    }
    statistic(statistic.asDouble(), actual.statistic(), what + " statistic");
    assertEquals(expected.get(1).asDouble(), actual.pValue(), 1e-6, what + " p-value");
  }

  private static void statistic(double expected, double actual, String what) {
    if (Double.isInfinite(expected) || Double.isNaN(expected)) {
      assertEquals(expected, actual, what);
      return;
    }
    assertEquals(expected, actual, Math.max(1e-6 * Math.abs(expected), 1e-12), what);
  }

  private static double[] array(JsonNode n) {
    double[] a = new double[n.size()];
    for (int i = 0; i < a.length; i++) {
      a[i] = n.get(i).asDouble();
    }
    return a;
  }

  /** One value per counted occurrence, so the column's counts are the case's. */
  private static String[] expand(JsonNode counts) {
    List<String> values = new ArrayList<>();
    for (Map.Entry<String, JsonNode> e : (Iterable<Map.Entry<String, JsonNode>>) counts::fields) {
      for (long i = 0; i < e.getValue().asLong(); i++) {
        values.add(e.getKey());
      }
    }
    return values.toArray(new String[0]);
  }
}
