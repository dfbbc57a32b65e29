package dev.mlops.monitoring.quality;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlops.monitoring.Datasets;
import dev.mlops.monitoring.data.Table;
import dev.mlops.monitoring.profile.Profile;
import dev.mlops.testkit.Slow;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The default data-quality checks on scikit-learn's bundled tables, split at random into a reference
 * (60 % of the rows) and windows of the rest, 100 splits each: a window drawn like the reference
 * passes every default check in at least 95 % of the windows. Slow: a false-alarm rate is only measured over many
 * windows (several thousand for the largest table).
 */
@Slow
class DefaultChecksOnRealDataTest {
  private static final int SPLITS = 100;

  @ParameterizedTest(name = "{0}: windows of {1} rows")
  @CsvSource({"breast_cancer, 50", "wine, 30", "diabetes, 50", "iris, 30"})
  void unshiftedWindowsPassTheDefaultChecks(String name, int windowRows) {
    Table all = Datasets.without(Datasets.load(name), Datasets.LABEL);
    DataQuality quality = DataQuality.with(List.of());
    int windows = 0;
    int passed = 0;
    Map<String, Integer> failedChecks = new TreeMap<>();
    for (long seed = 0; seed < SPLITS; seed++) {
      Datasets.Split split = Datasets.split(all, seed, 0.6, windowRows);
      Profile reference = Profile.of(split.reference());
      for (Table w : split.windows()) {
        QualityReport q = quality.check(reference, w);
        windows++;
        if (q.passed()) {
          passed++;
        }
        for (CheckResult f : q.failures()) {
          failedChecks.merge(f.check(), 1, Integer::sum);
        }
      }
    }
    double share = (double) passed / windows;
    assertTrue(share >= 0.95, String.format(Locale.ROOT, "%s: %d of %d unshifted windows passed (%.1f %%); failed checks %s", name, passed,
        windows, 100 * share, failedChecks));
  }
}
