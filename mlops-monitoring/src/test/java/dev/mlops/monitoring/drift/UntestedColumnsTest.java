package dev.mlops.monitoring.drift;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mlops.monitoring.data.Column;
import dev.mlops.monitoring.data.Table;
import dev.mlops.monitoring.profile.Profile;
import dev.mlops.monitoring.report.HtmlReport;
import dev.mlops.monitoring.report.ReportJson;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A column that cannot be tested (absent from the current data, without values on one side) is
 * reported as such while every other column is analysed, by the exact comparison and against a
 * stored profile alike: one untestable column never turns a whole report into "no drift".
 */
class UntestedColumnsTest {
  private static double[] normal(Random r, int n, double mean) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = mean + r.nextGaussian();
    }
    return v;
  }

  private static Table reference() {
    Random r = new Random(1);
    return Table.of(List.of(Column.numerical("amount", normal(r, 800, 0)), Column.numerical("age", normal(r, 800, 0)),
        Column.numerical("label", normal(r, 800, 0))));
  }

  /** Both features shifted by two standard deviations; no label column; {@code age} without a value. */
  private static Table current() {
    Random r = new Random(2);
    double[] age = new double[300];
    Arrays.fill(age, Double.NaN);
    return Table.of(List.of(Column.numerical("amount", normal(r, 300, 2)), Column.numerical("age", age)));
  }

  private static void assertOnlyAmountTested(DriftReport rep) {
    assertEquals(List.of("amount"), rep.columns().stream().map(ColumnDrift::name).toList());
    assertTrue(rep.columns().get(0).drift(), "the shift of the present column is found");
    assertTrue(rep.datasetDrift(), "its drift is the verdict over the tested columns");
    assertEquals(1, rep.testedColumns());
    assertEquals(List.of(new UntestedColumn("age", "no values in the current data (all 300 rows missing)"),
        new UntestedColumn("label", "absent from the current data")), rep.untested());
    assertEquals("dataset drift in 1 of 1 tested columns (amount); not tested: age (no values in the current data (all 300 rows missing)),"
        + " label (absent from the current data)", rep.verdict());
  }

  @Test
  void theExactComparisonAnalysesEveryPresentColumnAndNamesTheOthers() {
    DriftReport rep = DriftAnalyzer.compare(reference(), current(), DriftOptions.defaults());
    assertEquals(1, rep.columns().size(), "one column tested, no exception for the two others");
    assertOnlyAmountTested(rep);
  }

  @Test
  void aStoredProfileAnalysesEveryPresentColumnAndNamesTheOthers() {
    DriftReport rep = ProfileDrift.compare(Profile.of(reference()), current(), DriftOptions.defaults());
    assertEquals(1, rep.columns().size(), "one column tested, no exception for the two others");
    assertOnlyAmountTested(rep);
  }

  @Test
  void aReferenceColumnWithoutValuesIsNotTested() {
    double[] none = new double[10];
    Arrays.fill(none, Double.NaN);
    Table ref = Table.of(List.of(Column.numerical("x", none), Column.numerical("y", normal(new Random(3), 10, 0))));
    Table cur = Table.of(List.of(Column.numerical("x", normal(new Random(4), 10, 0)), Column.numerical("y", normal(new Random(5), 10, 0))));
    for (DriftReport rep : List.of(DriftAnalyzer.compare(ref, cur, DriftOptions.defaults()),
        ProfileDrift.compare(Profile.of(ref), cur, DriftOptions.defaults()))) {
      assertEquals(List.of(new UntestedColumn("x", "no values in the reference")), rep.untested());
      assertEquals(List.of("y"), rep.columns().stream().map(ColumnDrift::name).toList());
    }
  }

  @Test
  void withNoColumnTestedTheReportSaysSoAndClaimsNoVerdict() {
    Table cur = Table.of(List.of(Column.numerical("other", new double[] {1, 2, 3})));
    DriftReport rep = ProfileDrift.compare(Profile.of(reference()), cur, DriftOptions.defaults());
    assertFalse(rep.datasetDrift());
    assertEquals(0, rep.testedColumns());
    assertEquals(3, rep.untested().size());
    assertTrue(rep.verdict().startsWith("no column tested; not tested: amount (absent from the current data)"), rep.verdict());
    assertTrue(HtmlReport.render(rep, "t").contains("No column tested"));
  }

  @Test
  void theJsonAndTheHtmlReportSayHowManyColumnsWereTestedAndWhichWereNot() throws Exception {
    DriftReport rep = DriftAnalyzer.compare(reference(), current(), DriftOptions.defaults());
    JsonNode json = new ObjectMapper().readTree(ReportJson.of(rep));
    assertEquals(1, json.get("testedColumns").asInt());
    assertEquals("label", json.get("untested").get(1).get("name").asText());
    assertEquals("absent from the current data", json.get("untested").get(1).get("reason").asText());
    assertEquals(rep, new ObjectMapper().readValue(ReportJson.of(rep), DriftReport.class), "the JSON reads back to the same report");
    String html = HtmlReport.render(rep, "t");
    assertTrue(html.contains("1 of 1 tested"), "the drifted-columns card counts tested columns");
    assertTrue(html.contains("<h2>Columns not tested</h2><p>2 of 3 columns were not tested; the verdict covers the tested columns only.</p>"),
        html);
    assertTrue(html.contains("<tr><td><bdi class=\"u\" title=\"label\">label</bdi></td><td><bdi class=\"u\" title=\"absent from the current data\">"
        + "absent from the current data</bdi></td></tr>"), html);
  }

  @Test
  void aSummaryKeepsTheVerdictTheCountsAndTheDriftedColumnsWithoutBins() {
    Random r = new Random(6);
    Table ref = Table.of(List.of(Column.numerical("a", normal(r, 500, 0)), Column.numerical("b", normal(r, 500, 0))));
    Table cur = Table.of(List.of(Column.numerical("a", normal(r, 200, 3)), Column.numerical("b", normal(r, 200, 0))));
    DriftReport full = DriftAnalyzer.compare(ref, cur, DriftOptions.defaults());
    DriftReport summary = full.asSummary();
    assertEquals(List.of("a"), summary.columns().stream().map(ColumnDrift::name).toList());
    assertEquals(List.of(), summary.columns().get(0).bins());
    assertEquals(2, summary.testedColumns());
    assertEquals(full.verdict(), summary.verdict());
    assertEquals(full.datasetDrift(), summary.datasetDrift());
  }
}
