package dev.mlops.monitoring.drift;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mlops.monitoring.data.Column;
import dev.mlops.monitoring.data.Table;
import dev.mlops.monitoring.profile.Profile;
import dev.mlops.monitoring.report.HtmlReport;
import dev.mlops.testkit.Slow;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A verdict read from quantile sketches carries the statistic's error, and says when the rows' own
 * test could decide it the other way; a verdict it calls settled is the rows' verdict.
 */
class SketchErrorVerdictTest {
  private static Table column(Random r, int n, double shift, boolean heavyTail) {
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      // a heavy tail: Student's t with one degree of freedom (Cauchy), whose range dwarfs its spread
      x[i] = (heavyTail ? r.nextGaussian() / Math.max(1e-9, Math.abs(r.nextGaussian())) : r.nextGaussian()) + shift;
    }
    return Table.of(List.of(Column.numerical("x", x)));
  }

  @Test
  @Slow // 216 comparisons of 20,000 against 40,000 simulated rows: the claim holds over many draws, not one
  @DisplayName("KS and Wasserstein from sketches: within their stated error of the rows' statistic, and every settled verdict the rows' verdict")
  void settledVerdictsAreTheRowsVerdicts() {
    int settled = 0;
    int unsettled = 0;
    for (DriftTest test : List.of(DriftTest.KS, DriftTest.WASSERSTEIN)) {
      DriftOptions options = DriftOptions.builder().test(test).build();
      for (boolean heavy : new boolean[] {false, true}) {
        for (double shift : new double[] {0, 0.01, 0.02, 0.03, 0.05, 0.08, 0.1, 0.12, 0.3}) {
          for (int seed = 0; seed < 3; seed++) {
            Random r = new Random(seed * 1_000 + Math.round(shift * 100) + (heavy ? 7 : 0));
            // 40,000 reference and 20,000 current rows: both sketches compacted (estimation mode)
            Table reference = column(r, 40_000, 0, heavy);
            Table current = column(r, 20_000, shift, heavy);
            ColumnDrift rows = DriftAnalyzer.compare(reference, current, options).columns().get(0);
            Profile referenceProfile = Profile.of(reference);
            Profile currentProfile = Profile.of(current);
            assertNull(rows.statisticError(), "computed from the rows");
            assertFalse(rows.unsettled());
            double referenceError = referenceProfile.column("x").rankErrorNow();
            double bothErrors = referenceError + currentProfile.column("x").rankErrorNow();
            assertTrue(referenceError > 0, "the reference sketch is compacted");
            for (boolean bothSketched : new boolean[] {false, true}) {
              ColumnDrift sketched = (bothSketched ? ProfileDrift.compare(referenceProfile, currentProfile, options)
                  : ProfileDrift.compare(referenceProfile, current, options)).columns().get(0);
              String what = test.id() + " shift " + shift + " seed " + seed + (heavy ? " heavy-tailed" : "") + (bothSketched ? " profile vs profile" : "");
              double error = sketched.statisticError();
              if (test == DriftTest.KS) {
                assertEquals(bothSketched ? bothErrors : referenceError, error, 1e-15, what);
              }
              assertTrue(Math.abs(sketched.statistic() - rows.statistic()) <= error, what + ": " + sketched.statistic() + " vs rows " + rows.statistic()
                  + " beyond " + error);
              if (shift == 0.3 && (test == DriftTest.KS || !heavy)) {
                assertTrue(sketched.drift() && !sketched.unsettled(), what + ": a shift of 0.3 standard deviations is settled drift: " + sketched.figures());
              }
              if (sketched.unsettled()) {
                unsettled++;
              } else {
                settled++;
                assertEquals(rows.drift(), sketched.drift(), what + " is settled from the sketches, so it must be the rows' verdict: " + sketched.figures());
              }
            }
          }
        }
      }
    }
    // the bounds are the sketches' 99% ones, wide at these sizes: KS's critical distance (about 0.012) is near the
    // rank errors, and a heavy tail's range makes the Wasserstein error larger than the threshold; both kinds occur
    assertTrue(unsettled > 0 && settled > 0, settled + " settled, " + unsettled + " unsettled");
  }

  @Test
  @DisplayName("an unsettled verdict is named in the report's words, its figures and its HTML; a report from the rows never is")
  void anUnsettledVerdictSaysSo() {
    DriftOptions options = DriftOptions.builder().test(DriftTest.WASSERSTEIN).build();
    Random r = new Random(5);
    Table reference = column(r, 40_000, 0, true);
    Table current = column(r, 20_000, 0.05, true);
    DriftReport report = ProfileDrift.compare(Profile.of(reference), current, options);
    ColumnDrift x = report.columns().get(0);
    assertTrue(x.unsettled(), "a Cauchy column's range makes the Wasserstein error far larger than the threshold: " + x.figures());
    assertTrue(report.verdict().contains("unsettled (read from sketches, within their error of the threshold): x"), report.verdict());
    assertTrue(x.figures().contains(" from sketches") && x.figures().contains("the rows could decide otherwise"), x.figures());
    String html = HtmlReport.render(report, "drift");
    assertTrue(html.contains("&plusmn;") && html.contains(">unsettled<") && html.contains("a test on the rows could decide it the other way"));

    DriftReport fromRows = DriftAnalyzer.compare(reference, current, options);
    assertFalse(fromRows.verdict().contains("unsettled"));
    assertFalse(HtmlReport.render(fromRows, "drift").contains("&plusmn;"));
  }

  @Test
  @DisplayName("a column verdict stored before the sketch error existed reads back with none")
  void anOlderStoredVerdictReads() throws Exception {
    String stored = "{\"name\":\"x\",\"type\":\"numerical\",\"test\":\"ks\",\"statistic\":0.2,\"pValue\":0.01,\"rawPValue\":0.01,"
        + "\"threshold\":0.05,\"drift\":true,\"effectSize\":0.3,\"referenceCount\":10,\"currentCount\":10,\"bins\":[]}";
    ColumnDrift read = new ObjectMapper().readValue(stored, ColumnDrift.class);
    assertNull(read.statisticError());
    assertFalse(read.unsettled());
    assertTrue(read.drift());
    ColumnDrift again = new ObjectMapper().readValue(new ObjectMapper().writeValueAsString(
        new ColumnDrift("x", "numerical", "ks", 0.2, 0.01, 0.01, 0.05, true, 0.3, 10, 10, List.of(), 0.013, true)), ColumnDrift.class);
    assertEquals(0.013, again.statisticError());
    assertTrue(again.unsettled());
  }
}
