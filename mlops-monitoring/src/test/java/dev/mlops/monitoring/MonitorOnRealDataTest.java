package dev.mlops.monitoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlops.monitoring.data.Column;
import dev.mlops.monitoring.data.Table;
import dev.mlops.monitoring.drift.UntestedColumn;
import dev.mlops.monitoring.profile.Profile;
import dev.mlops.monitoring.quality.CheckResult;
import dev.mlops.testkit.Slow;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A monitor as a service meets it: the reference profiled from the training table with its label
 * (as {@code Profile.of(Table.readCsv(...))} takes it in), live rows without the label, on
 * scikit-learn's bundled tables split at random into a reference (60 %) and windows (20 splits). Slow: each case runs
 * a monitor over every window of 20 splits, so that a rate (drift found, false alarms) is measured, not one outcome.
 */
@Slow
class MonitorOnRealDataTest {
  private static final int SPLITS = 20;

  /** Every window's report of every split, the live rows changed by {@code change}, the monitor built by {@code monitor}. */
  private static List<WindowReport> watch(String name, int windowRows, UnaryOperator<MonitorBuilder> monitor,
      Change change) {
    Table all = Datasets.load(name);
    List<WindowReport> out = new ArrayList<>();
    for (long seed = 0; seed < SPLITS; seed++) {
      Datasets.Split split = Datasets.split(all, seed, 0.6, windowRows);
      Profile reference = Profile.of(split.reference());
      Monitor m = monitor.apply(Monitor.builder(name).reference(reference).windowRows(windowRows).executor(Runnable::run)
          .alert(AlertRule.datasetDrift()).alert(AlertRule.qualityFailed())).build();
      for (Table w : split.windows()) {
        for (Map<String, Object> row : Datasets.asRows(change.apply(w, reference))) {
          m.log(row);
        }
      }
      out.addAll(m.reports());
    }
    return out;
  }

  /** How live rows differ from the reference's. */
  @FunctionalInterface
  private interface Change {
    Table apply(Table window, Profile reference);
  }

  /** The live rows: the window without its label, {@code features} shifted by {@code sds} reference standard deviations. */
  private static Change shifted(List<String> features, double sds) {
    return (w, reference) -> {
      Table live = Datasets.without(w, Datasets.LABEL);
      for (String f : features) {
        double sd = Math.sqrt(reference.column(f).variance());
        live = Datasets.changed(live, f, x -> x + sds * sd);
      }
      return live;
    };
  }

  private static double share(List<WindowReport> reports, java.util.function.Predicate<WindowReport> p) {
    return (double) reports.stream().filter(p).count() / reports.size();
  }

  private static boolean fired(WindowReport r, String rule) {
    return r.alerts().stream().anyMatch(a -> a.rule().equals(rule));
  }

  @ParameterizedTest(name = "{0}: windows of {1} rows")
  @CsvSource({"breast_cancer, 50", "wine, 30", "diabetes, 50", "iris, 30"})
  void withTheLabelExcludedUnshiftedWindowsPassAndAShiftedFeatureDrifts(String name, int windowRows) {
    String feature = Datasets.features(Datasets.load(name)).get(0);
    UnaryOperator<MonitorBuilder> monitor = b -> b.exclude(Datasets.LABEL).alert(AlertRule.columnDrift(feature));
    List<WindowReport> calm = watch(name, windowRows, monitor, shifted(List.of(), 0));
    List<WindowReport> moved = watch(name, windowRows, monitor, shifted(List.of(feature), 1));
    for (WindowReport r : calm) {
      assertEquals(List.of(), r.drift().untested(), "every feature is tested: " + r);
      assertEquals(Datasets.features(Datasets.load(name)).size(), r.drift().testedColumns());
    }
    double passed = share(calm, r -> r.quality().passed());
    double drifted = share(moved, r -> fired(r, "column_drift:" + feature));
    assertTrue(passed >= 0.95, String.format(Locale.ROOT, "%s: quality passed in %.1f %% of unshifted windows", name, 100 * passed));
    assertTrue(drifted >= 0.9, String.format(Locale.ROOT, "%s: %s shifted by one standard deviation drifted in %.1f %% of windows", name,
        feature, 100 * drifted));
  }

  @ParameterizedTest(name = "{0}: windows of {1} rows")
  @CsvSource({"breast_cancer, 50", "wine, 30", "diabetes, 50", "iris, 30"})
  void withTheLabelExcludedEveryFeatureShiftedIsDatasetDrift(String name, int windowRows) {
    List<String> features = Datasets.features(Datasets.load(name));
    List<WindowReport> moved = watch(name, windowRows, b -> b.exclude(Datasets.LABEL), shifted(features, 1));
    double drifted = share(moved, r -> fired(r, "dataset_drift"));
    assertTrue(drifted >= 0.95, String.format(Locale.ROOT, "%s: dataset drift alerts in %.1f %% of shifted windows", name, 100 * drifted));
  }

  @Test
  void aRenamedCategoryIsANewCategoryAndItsColumnDrifts() {
    // iris's species as an input the rows carry, with one species renamed upstream
    Change renamed = (w, reference) -> {
      List<Column> cols = new ArrayList<>(w.columns().values());
      String[] species = w.column(Datasets.LABEL).categories();
      for (int i = 0; i < species.length; i++) {
        species[i] = "setosa".equals(species[i]) ? "Iris-setosa" : species[i];
      }
      cols.set(cols.size() - 1, Column.categorical(Datasets.LABEL, species));
      return Table.of(cols);
    };
    List<WindowReport> calm = watch("iris", 30, b -> b.alert(AlertRule.columnDrift(Datasets.LABEL)), (w, reference) -> w);
    List<WindowReport> moved = watch("iris", 30, b -> b.alert(AlertRule.columnDrift(Datasets.LABEL)), renamed);
    assertTrue(share(calm, r -> r.quality().passed()) >= 0.95);
    double newCategory = share(moved, r -> r.quality().failures().stream()
        .anyMatch(c -> c.check().equals("new_categories") && c.observed().contains("Iris-setosa")));
    double drifted = share(moved, r -> fired(r, "column_drift:" + Datasets.LABEL));
    assertTrue(newCategory >= 0.95, "the renamed species is a new category in " + newCategory + " of the windows");
    assertTrue(drifted >= 0.9, "the species column drifted in " + drifted + " of the windows");
  }

  @Test
  void aLabelTheRowsNeverCarryDoesNotHideDrift() {
    List<String> features = Datasets.features(Datasets.load("breast_cancer"));
    List<WindowReport> moved = watch("breast_cancer", 50, b -> b, shifted(features, 1));
    assertEquals(80, moved.size());
    for (WindowReport r : moved) {
      assertTrue(r.drift().datasetDrift(), "shifted features drift although the label is absent: " + r);
      assertTrue(fired(r, "dataset_drift") && fired(r, "quality_failed"), r.alerts().toString());
    }
  }

  @Test
  void aLabelTheRowsNeverCarryIsAQualityFailureAndEveryFeatureIsStillTested() {
    List<String> features = Datasets.features(Datasets.load("breast_cancer"));
    List<WindowReport> calm = watch("breast_cancer", 50, b -> b, shifted(List.of(), 0));
    for (WindowReport r : calm) {
      assertEquals(List.of(new UntestedColumn(Datasets.LABEL, "absent from the current data")), r.drift().untested());
      assertEquals(features.size(), r.drift().testedColumns());
      assertEquals(features, r.drift().columns().stream().map(c -> c.name()).toList());
      assertEquals(List.of(new CheckResult("column_present", Datasets.LABEL, false, "absent", "present")), r.quality().failures());
      String alert = r.alerts().stream().filter(a -> a.rule().equals("quality_failed")).findFirst().orElseThrow().message();
      assertTrue(alert.contains("column_present(target)"), alert);
      assertTrue(r.toString().contains("not tested: target (absent from the current data)"), r.toString());
    }
  }
}
