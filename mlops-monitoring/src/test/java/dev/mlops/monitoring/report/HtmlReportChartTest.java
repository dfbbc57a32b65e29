package dev.mlops.monitoring.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlops.monitoring.drift.ColumnDrift;
import dev.mlops.monitoring.drift.DriftReport;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

// one test sets the default locale: no other test class runs beside it
@org.junit.jupiter.api.parallel.Isolated
class HtmlReportChartTest {
  @Test
  void chartsHaveAPercentYAxisUseTheFullWidthAndLeaveRoomForTheFirstLabel() {
    String first = "[-1234.56, -1000.25)";
    List<ColumnDrift.Bin> bins = List.of(new ColumnDrift.Bin(first, 0.25, 0.1), new ColumnDrift.Bin("[-1000.25, 0)", 0.4, 0.5),
        new ColumnDrift.Bin("[0, inf)", 0.35, 0.4));
    ColumnDrift c = new ColumnDrift("amount", "numerical", "ks", 0.2, 0.01, 0.01, 0.05, true, 0.3, 100, 100, bins);
    String page = HtmlReport.render(new DriftReport(100, 100, true, 1, 1, List.of(c), "none"), "t");
    assertTrue(page.contains("class=\"y-axis\""), "a y axis");
    for (String tick : new String[] {">0%<", ">25%<", ">50%<"}) {
      assertTrue(page.contains(tick), "y tick " + tick);
    }
    assertFalse(page.contains("max-width:720px"), "the chart is not capped at half a wide card");
    Matcher m = Pattern.compile("<text x=\"([0-9.]+)\" y=\"[0-9]+\" text-anchor=\"end\" transform=\"rotate\\(-30").matcher(page);
    assertTrue(m.find(), "x labels");
    double anchor = Double.parseDouble(m.group(1));
    // the rotated label ends at its anchor and extends left by about its length times cos 30 degrees
    assertTrue(anchor - first.length() * 6.5 * 0.87 >= 0, "the first label starts inside the chart: anchor " + anchor);
  }

  @Test
  void percentagesGetTheDecimalsTheyNeed() {
    assertEquals("0%", HtmlReport.percent(0));
    assertEquals("40%", HtmlReport.percent(0.4));
    assertEquals("2.5%", HtmlReport.percent(0.025));
    assertEquals("0.25%", HtmlReport.percent(0.0025));
  }

  @Test
  void theReportPrintsTheDriftShareInTheOneFormTheUiAndTheDemosUse() {
    // one of three tested columns drifted: 33.3%, never "33%" or "0.333333"
    List<ColumnDrift> columns = List.of(
        new ColumnDrift("a", "numerical", "ks", 0.4, 0.001, 0.001, 0.05, true, 0.5, 100, 100, List.of()),
        new ColumnDrift("b", "numerical", "ks", 0.1, 0.5, 0.5, 0.05, false, 0.0, 100, 100, List.of()),
        new ColumnDrift("c", "numerical", "ks", 0.1, 0.6, 0.6, 0.05, false, 0.0, 100, 100, List.of()));
    DriftReport report = new DriftReport(100, 100, false, 1 / 3.0, 1, columns, "none");
    assertEquals("33.3%", report.driftSharePercent());
    assertTrue(HtmlReport.render(report, "t").contains("Drift share<b>33.3%</b>"), "the report's card");
    assertEquals("50.0%", DriftReport.percent(0.5));
    assertEquals("0.0%", DriftReport.percent(0));
    assertEquals("100.0%", DriftReport.percent(1));
    assertEquals("\u2013", DriftReport.percent(Double.NaN));
    java.util.Locale before = java.util.Locale.getDefault();
    try {
      java.util.Locale.setDefault(java.util.Locale.GERMANY);
      assertEquals("12.5%", DriftReport.percent(0.125), "a decimal point in every locale");
    } finally {
      java.util.Locale.setDefault(before);
    }
  }
}
