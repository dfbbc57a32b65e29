package dev.mlops.monitoring.drift;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlops.api.InvalidArgumentException;
import dev.mlops.monitoring.data.Column;
import dev.mlops.monitoring.data.Table;
import dev.mlops.monitoring.profile.Profile;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The comparison on raw reference rows ({@link DriftAnalyzer}) and the one on a profile of the same
 * rows ({@link ProfileDrift}) plan every column alike: same test, same threshold, on the same data,
 * numerical columns of a few values included.
 */
class DriftPathsAgreeTest {
  /** Payments: an amount, a count of items (1 to 4), a 0/1 flag, a channel of three values, a membership of two. */
  static Table payments(Random r, int rows, double shift) {
    double[] amount = new double[rows];
    double[] items = new double[rows];
    double[] flag = new double[rows];
    String[] channel = new String[rows];
    String[] member = new String[rows];
    for (int i = 0; i < rows; i++) {
      amount[i] = 100 + 20 * r.nextGaussian() + 40 * shift;
      items[i] = r.nextDouble() < shift ? 4 : 1 + r.nextInt(4);
      flag[i] = r.nextDouble() < 0.2 + shift / 2 ? 1 : 0;
      channel[i] = new String[] {"web", "app", "store"}[r.nextInt(3)];
      member[i] = r.nextBoolean() ? "yes" : "no";
    }
    return Table.of(List.of(Column.numerical("amount", amount), Column.numerical("items", items), Column.numerical("flag", flag),
        Column.categorical("channel", channel), Column.categorical("member", member)));
  }

  static Map<String, String> tests(DriftReport r) {
    Map<String, String> out = new LinkedHashMap<>();
    r.columns().forEach(c -> out.put(c.name(), c.test() + " at " + c.threshold()));
    return out;
  }

  @ParameterizedTest(name = "a reference of {0} rows")
  @ValueSource(ints = {400, 1000, 1001, 5000})
  @DisplayName("by default both comparisons give every column the same test and threshold")
  void defaultTestsAreTheSame(int rows) {
    Random r = new Random(rows);
    Table reference = payments(r, rows, 0);
    Table current = payments(r, 300, 0);
    DriftReport exact = DriftAnalyzer.compare(reference, current, DriftOptions.defaults());
    DriftReport sketched = ProfileDrift.compare(Profile.of(reference), current, DriftOptions.defaults());
    assertEquals(tests(exact), tests(sketched));
    String numbers = rows <= 1000 ? "ks" : "wasserstein";
    assertEquals(List.of(numbers, rows <= 1000 ? "chisquare" : "wasserstein", rows <= 1000 ? "z" : "wasserstein"),
        sketched.columns().stream().limit(3).map(ColumnDrift::test).toList(), "Evidently's rule: at most 5 distinct numbers are categories");
  }

  @Test
  @DisplayName("a numerical column of a few values gets the same count test and p-value against a small profile")
  void aFewValuedNumericalColumnIsComparedAsCategoriesAgainstAProfile() {
    Random r = new Random(7);
    Table reference = payments(r, 500, 0);
    Table current = payments(r, 500, 0.3);
    DriftReport exact = DriftAnalyzer.compare(reference, current, DriftOptions.defaults());
    DriftReport sketched = ProfileDrift.compare(Profile.of(reference), current, DriftOptions.defaults());
    for (String name : List.of("items", "flag")) {
      ColumnDrift e = column(exact, name);
      ColumnDrift s = column(sketched, name);
      assertEquals(e.test(), s.test(), name);
      // 500 values stay uncompacted in the profile's quantile sketch: its counts are the exact ones
      assertEquals(e.statistic(), s.statistic(), 1e-9, name + " statistic");
      assertEquals(e.pValue(), s.pValue(), 1e-12, name + " p-value");
      assertEquals(e.drift(), s.drift(), name + " verdict");
    }
    assertTrue(column(sketched, "items").drift(), "more baskets of 4 items: " + column(sketched, "items"));
  }

  static Stream<DriftTest> testsThatRunOnAProfile() {
    return Arrays.stream(DriftTest.values()).filter(DriftTest::worksOnProfile);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("testsThatRunOnAProfile")
  @DisplayName("a forced test goes to the same columns of few values in both comparisons")
  void aForcedTestGoesToTheSameColumns(DriftTest forced) {
    Random r = new Random(forced.ordinal());
    // the columns of few values: a count test forced on a continuous column runs on raw rows only
    Table reference = fewValued(payments(r, 2000, 0));
    Table current = fewValued(payments(r, 400, 0.1));
    DriftOptions options = DriftOptions.builder().test(forced).build();
    assertEquals(tests(DriftAnalyzer.compare(reference, current, options)), tests(ProfileDrift.compare(Profile.of(reference), current, options)));
  }

  @Test
  @DisplayName("a test that reads the raw reference values is refused against a profile, naming the tests that run there")
  void aTestOfRawValuesIsRefusedAgainstAProfile() {
    Random r = new Random(3);
    Profile reference = Profile.of(payments(r, 2000, 0));
    Table current = payments(r, 300, 0);
    InvalidArgumentException forced = assertThrows(InvalidArgumentException.class,
        () -> ProfileDrift.compare(reference, current, DriftOptions.builder().test(DriftTest.ANDERSON).build()));
    assertTrue(forced.getMessage().contains("fits none of the columns") && forced.getMessage().contains("raw reference values"),
        forced.getMessage());
    InvalidArgumentException own = assertThrows(InvalidArgumentException.class,
        () -> ProfileDrift.compare(reference, current, DriftOptions.builder().columnTest("amount", DriftTest.T_TEST).build()));
    assertTrue(own.getMessage().contains("column amount") && own.getMessage().contains("against a profile use [ks, chisquare"),
        own.getMessage());
    InvalidArgumentException unknown = assertThrows(InvalidArgumentException.class,
        () -> ProfileDrift.compare(reference, current, DriftOptions.builder().columns(Set.of("amuont")).build()));
    assertTrue(unknown.getMessage().contains("'amuont'"), unknown.getMessage());
  }

  private static Table fewValued(Table t) {
    return Table.of(t.columns().values().stream().filter(c -> !c.name().equals("amount")).toList());
  }

  private static ColumnDrift column(DriftReport r, String name) {
    return r.columns().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
  }
}
