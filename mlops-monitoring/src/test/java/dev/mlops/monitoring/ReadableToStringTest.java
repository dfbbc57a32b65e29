package dev.mlops.monitoring;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mlops.monitoring.data.Table;
import dev.mlops.monitoring.drift.ColumnDrift;
import dev.mlops.monitoring.drift.DriftReport;
import dev.mlops.monitoring.profile.Profile;
import dev.mlops.monitoring.quality.CheckResult;
import dev.mlops.monitoring.quality.QualityReport;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ReadableToStringTest {
  private static final long T0 = 1_764_000_000_000L; // 2025-11-24T16:00:00Z

  @Test
  void aProfilePrintsRowsAndColumnKinds() throws Exception {
    Profile p = Profile.of(Table.readCsv(new StringReader("age,channel\n31,web\n45,app\n"), Set.of(), "t.csv"));
    assertEquals("Profile[2 rows, 2 columns: age (numerical), channel (categorical)]", p.toString());
  }

  @Test
  void aWindowReportPrintsOneShortLineEvenWithManyBins() {
    List<ColumnDrift.Bin> bins = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      bins.add(new ColumnDrift.Bin("b" + i, 0.0001, 0.0001));
    }
    ColumnDrift amount = new ColumnDrift("amount", "num", "ks", 0.4, 1e-9, 1e-9, 0.05, true, 0.4, 1000, 1000, bins);
    ColumnDrift channel = new ColumnDrift("channel", "cat", "chisquare", 1.0, 0.6, 0.6, 0.05, false, 0.01, 1000, 1000, List.of());
    DriftReport drift = new DriftReport(1000, 1000, true, 0.5, 1, List.of(amount, channel), "none");
    QualityReport quality = new QualityReport(1000, List.of(new CheckResult("completeness", "email", false, "0.90", ">= 0.95"),
        new CheckResult("range", "age", true, "[18, 90]", "[0, 120]")));
    WindowReport w = new WindowReport("payments", 4, T0, T0 + 300_000, 1000, drift, quality, Map.of(),
        List.of(new Alert("payments", "datasetDrift", 4, T0 + 300_000, "dataset drift")));
    assertEquals("WindowReport[payments window 4, 2025-11-24T16:00:00Z to 2025-11-24T16:05:00Z, 1000 rows, dataset drift "
        + "in 1 of 2 tested columns (amount), quality failed [completeness(email)], 0 segments, 1 alerts]", w.toString());
  }
}
