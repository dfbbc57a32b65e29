package dev.mlops.monitoring.drift;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlops.monitoring.data.Column;
import dev.mlops.monitoring.data.Table;
import dev.mlops.monitoring.profile.Profile;
import dev.mlops.monitoring.stats.Binned;
import dev.mlops.monitoring.stats.TwoSample;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ProfileDriftTest {
  @Test
  void driftAgainstAStoredProfileAgreesWithDriftAgainstTheRawReference() {
    Random r = new Random(11);
    double[] ref = DriftAnalyzerTest.normal(r, 200_000, 0, 1);
    double[] cur = DriftAnalyzerTest.normal(r, 50_000, 0.15, 1.1);
    String[] rc = DriftAnalyzerTest.cats(r, 200_000, "a", "b", "c", "d");
    String[] cc = DriftAnalyzerTest.cats(r, 50_000, "a", "b", "c", "e");
    Table refTable = Table.of(List.of(Column.numerical("x", ref), Column.categorical("c", rc)));
    Table curTable = Table.of(List.of(Column.numerical("x", cur), Column.categorical("c", cc)));
    Profile profile = Profile.of(refTable);

    DriftReport exact = DriftAnalyzer.compare(refTable, curTable, DriftOptions.defaults());
    DriftReport sketched = ProfileDrift.compare(profile, curTable, DriftOptions.defaults());
    assertEquals("wasserstein", sketched.columns().get(0).test());
    assertEquals(exact.columns().get(0).statistic(), sketched.columns().get(0).statistic(), 0.01, "normed wasserstein");
    assertEquals(exact.columns().get(1).statistic(), sketched.columns().get(1).statistic(), 1e-12, "categorical counts are exact");
    assertEquals(exact.datasetDrift(), sketched.datasetDrift());

    DriftOptions ks = DriftOptions.builder().test(DriftTest.KS).build();
    double exactD = TwoSample.ks(ref, cur).statistic();
    double sketchD = ProfileDrift.compare(profile, curTable, ks).columns().get(0).statistic();
    assertTrue(Math.abs(exactD - sketchD) <= profile.column("x").rankError(), exactD + " vs " + sketchD);

    double eps = profile.column("x").rankError();
    double range = profile.column("x").max() - profile.column("x").min();
    double sd = Math.sqrt(profile.column("x").variance());
    double exactW = TwoSample.wasserstein(ref, cur) / sd;
    double sketchW = ProfileDrift.compare(profile, curTable, DriftOptions.builder().test(DriftTest.WASSERSTEIN).build()).columns().get(0).statistic();
    assertTrue(Math.abs(exactW - sketchW) <= eps * range / sd, "wasserstein within its stated bound");
    Binned.Shares exactShares = Binned.numerical(ref, cur, 10);
    ColumnDrift sketchedPsi = ProfileDrift.compare(profile, curTable, DriftOptions.builder().test(DriftTest.PSI).build()).columns().get(0);
    for (int i = 0; i < sketchedPsi.bins().size(); i++) {
      assertTrue(Math.abs(sketchedPsi.bins().get(i).reference() - 0.1) <= 2 * eps + 1e-9, "reference share within 2 eps: " + sketchedPsi.bins());
    }
    assertEquals(exactShares.reference().length, sketchedPsi.bins().size());

    DriftOptions psi = DriftOptions.builder().test(DriftTest.PSI).build();
    double exactPsi = Binned.psi(Binned.numerical(ref, cur, 10));
    assertEquals(exactPsi, ProfileDrift.compare(profile, curTable, psi).columns().get(0).statistic(), 0.01);
  }
}
