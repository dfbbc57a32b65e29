package dev.mlops.monitoring.drift;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlops.api.InvalidArgumentException;
import dev.mlops.monitoring.Datasets;
import dev.mlops.monitoring.data.Table;
import dev.mlops.monitoring.profile.Profile;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A current profile compared with a reference profile gives the report the current rows give, within the sketches' bounds. */
class ProfileAgainstProfileTest {
  private static final DriftOptions DEFAULTS = DriftOptions.defaults();

  private static void assertSameReport(DriftReport rows, DriftReport profile, double statisticBound) {
    assertEquals(rows.referenceRows(), profile.referenceRows());
    assertEquals(rows.currentRows(), profile.currentRows());
    assertEquals(rows.untested(), profile.untested());
    assertEquals(verdicts(rows), verdicts(profile));
    assertEquals(rows.datasetDrift(), profile.datasetDrift());
    for (int i = 0; i < rows.columns().size(); i++) {
      ColumnDrift r = rows.columns().get(i);
      ColumnDrift p = profile.columns().get(i);
      assertEquals(r.test(), p.test(), r.name());
      assertEquals(r.currentCount(), p.currentCount(), r.name());
      assertEquals(r.statistic(), p.statistic(), statisticBound * Math.max(1, Math.abs(r.statistic())), r.name() + " " + r.test());
    }
  }

  private static Map<String, Boolean> verdicts(DriftReport r) {
    return r.columns().stream().collect(Collectors.toMap(ColumnDrift::name, ColumnDrift::drift));
  }

  @ParameterizedTest(name = "shift {0}")
  @ValueSource(doubles = {0, 0.3})
  @DisplayName("a current profile of 300 rows (its sketches hold every value): the statistics of the rows themselves, up to rounding")
  void exactSketchesGiveTheRowsReport(double shift) {
    Random r = new Random(41);
    Profile reference = Profile.of(DriftPathsAgreeTest.payments(r, 5_000, 0));
    Table current = DriftPathsAgreeTest.payments(r, 300, shift);
    DriftReport rows = ProfileDrift.compare(reference, current, DEFAULTS);
    DriftReport profile = ProfileDrift.compare(reference, Profile.of(current), DEFAULTS);
    assertSameReport(rows, profile, 1e-9);
    assertEquals(rows.columns().stream().map(ColumnDrift::pValue).toList().size(), profile.columns().size());
    for (int i = 0; i < rows.columns().size(); i++) {
      Double a = rows.columns().get(i).pValue();
      Double b = profile.columns().get(i).pValue();
      assertEquals(a == null, b == null);
      if (a != null) {
        assertEquals(a, b, 1e-9 * Math.max(1e-300, a) + 1e-12, rows.columns().get(i).name());
      }
    }
  }

  @ParameterizedTest(name = "shift {0}")
  @ValueSource(doubles = {0, 0.5})
  @DisplayName("a current profile of 40,000 rows (compacted sketches): statistics within the two rank errors, the same verdicts")
  void compactedSketchesStayWithinTheirBounds(double shift) {
    Random r = new Random(42);
    Profile reference = Profile.of(DriftPathsAgreeTest.payments(r, 20_000, 0));
    Table current = DriftPathsAgreeTest.payments(r, 40_000, shift);
    Profile currentProfile = Profile.of(current);
    double bound = reference.column("amount").rankError() + currentProfile.column("amount").rankError();
    DriftReport rows = ProfileDrift.compare(reference, current, DEFAULTS);
    DriftReport profile = ProfileDrift.compare(reference, currentProfile, DEFAULTS);
    assertEquals(verdicts(rows), verdicts(profile));
    // wasserstein for a reference above 1,000 rows: within the summed rank error times the range, normed by the reference's sd
    ColumnDrift a = rows.columns().get(0);
    ColumnDrift b = profile.columns().get(0);
    assertEquals("wasserstein", a.test());
    double range = Math.max(reference.column("amount").max(), currentProfile.column("amount").max())
        - Math.min(reference.column("amount").min(), currentProfile.column("amount").min());
    double sd = Math.sqrt(reference.column("amount").variance());
    assertEquals(a.statistic(), b.statistic(), bound * range / sd);
    assertTrue(shift == 0 || b.drift(), "amount moved by 20 on a sd of 20");
  }

  @Test
  @DisplayName("scikit-learn's iris: the 50 rows of one species against the other 100, profile against profile as rows against profile")
  void realData() {
    Table iris = Datasets.load("iris");
    Table first = Datasets.rows(iris, java.util.stream.IntStream.range(0, 100).boxed().toList());
    Table last = Datasets.rows(iris, java.util.stream.IntStream.range(100, 150).boxed().toList());
    Profile reference = Profile.of(first);
    assertSameReport(ProfileDrift.compare(reference, last, DEFAULTS), ProfileDrift.compare(reference, Profile.of(last), DEFAULTS), 1e-9);
    assertTrue(ProfileDrift.compare(reference, Profile.of(last), DEFAULTS).datasetDrift());
  }

  @Test
  @DisplayName("a column absent from the current profile is untested; a test that reads raw values is refused naming the ones that work")
  void untestedAndRefused() {
    Random r = new Random(43);
    Profile reference = Profile.of(DriftPathsAgreeTest.payments(r, 1_000, 0));
    Profile current = Profile.of(DriftPathsAgreeTest.payments(r, 300, 0)).select(List.of("amount", "channel"));
    DriftReport report = ProfileDrift.compare(reference, current, DEFAULTS);
    assertEquals(List.of("items", "flag", "member"), report.untested().stream().map(UntestedColumn::name).toList());
    InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
        () -> ProfileDrift.compare(reference, current, DriftOptions.builder().test(DriftTest.T_TEST).build()));
    assertTrue(e.getMessage().contains("raw reference values"), e.getMessage());
  }
}
