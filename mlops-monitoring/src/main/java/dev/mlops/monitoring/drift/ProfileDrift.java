package dev.mlops.monitoring.drift;

import dev.mlops.api.InvalidArgumentException;
import dev.mlops.api.internal.Validation;
import dev.mlops.monitoring.data.Table;
import dev.mlops.monitoring.profile.ColumnProfile;
import dev.mlops.monitoring.profile.Profile;
import java.util.concurrent.Executor;

/**
 * Drift of current rows against a stored reference {@link Profile}, so a reference is profiled once
 * and reused. The plan (which columns, which test, which threshold) and the verdict are those of
 * {@link DriftAnalyzer}; only the statistics come from the profile's sketches. Numerical columns:
 * {@code ks} (D within the reference sketch's rank error of the exact value, asymptotic p-value),
 * {@code wasserstein} (integrated between the sketched reference CDF and the exact current one,
 * normed by the reference's exact standard deviation), the binned distances on quantile bins of the
 * reference sketch, and, for a column of at most 5 distinct values, the count tests on the counts
 * the sketch holds; distinct values come from the profile's HyperLogLog sketch. Categorical columns:
 * the reference's frequent items (exact while a column has fewer than about 750 distinct values)
 * against exact current counts. The tests that read the raw reference values
 * ({@link DriftTest#worksOnProfile()} false) do not run here.
 *
 * <p>Error bounds, with ε the reference sketch's normalized rank error ({@link ColumnProfile#rankError()},
 * about 0.007 at the default k, 99% confidence): the KS statistic is within ε of the exact one; each
 * reference bin share and each sketched count as a share is within 2ε of the exact share (the
 * difference of two sketched ranks); the Wasserstein distance is within ε·(max − min) of the exact one
 * before norming (the integral of a CDF error of at most ε over the reference's range, exact moments
 * giving the norm).
 */
public final class ProfileDrift {
  private ProfileDrift() {}

  /**
   * Compares {@code current} with the reference profile under {@code options}, the columns in
   * parallel on the common fork-join pool. A selected reference column that cannot be tested
   * (absent from {@code current}, without values on either side, numerical in the reference but
   * categorical in {@code current}) is listed in {@link DriftReport#untested()} with the reason while
   * every other column is analysed; the verdict covers the tested columns only.
   *
   * @throws InvalidArgumentException for an option naming a column the profile lacks, a column's
   *     test that does not fit it or cannot run against a profile, or a forced test that fits none of
   *     the compared columns (before any test runs)
   */
  public static DriftReport compare(Profile reference, Table current, DriftOptions options) {
    return DriftEngine.compare(SketchStatistics.sides(reference, current), options, ColumnTasks.commonPool());
  }

  /**
   * Compares a current profile with the reference profile under {@code options}: for current data
   * profiled where it lives (a Spark job's merged profile, another service's window) and not at hand
   * as rows. The plan, tests, corrections and verdict are those of
   * {@link #compare(Profile, Table, DriftOptions)}; the current side's statistics come from its
   * sketches too: KS and Wasserstein between the two quantile sketches' CDFs, the current bin shares
   * from its sketch's ranks, its categories from its frequent items. The KS statistic is then within
   * the sum of the two sketches' rank errors of the exact one, and the Wasserstein distance within
   * that sum times the range of both sides before norming. Where the current column's sketches are
   * exact (KLL below its first compaction, at most {@value dev.mlops.monitoring.profile.ColumnProfile#KLL_K}
   * numbers; frequent items below about 750 categories) the report equals the one from the rows
   * themselves, but for the distinct-value count, which comes from the union of the HyperLogLog sketches.
   *
   * @throws InvalidArgumentException as {@link #compare(Profile, Table, DriftOptions)}
   */
  public static DriftReport compare(Profile reference, Profile current, DriftOptions options) {
    Validation.notNull("current", current);
    return DriftEngine.compare(ProfileStatistics.sides(reference, current), options, ColumnTasks.commonPool());
  }

  /**
   * As {@link #compare(Profile, Table, DriftOptions)}, the columns analysed on {@code executor} and
   * never on the common pool: the calling thread takes part, and up to one helper fewer than the
   * processors is handed to the executor, each taking the next column not yet taken. The call returns
   * once every column is done even if the executor runs no helper (busy, single-thread, the one the
   * caller runs on) or refuses one. A monitor analyses its windows this way on its own executor.
   *
   * @throws InvalidArgumentException as {@link #compare(Profile, Table, DriftOptions)}, or if
   *     {@code executor} is null
   */
  public static DriftReport compare(Profile reference, Table current, DriftOptions options, Executor executor) {
    Validation.notNull("executor", executor);
    return DriftEngine.compare(SketchStatistics.sides(reference, current), options, ColumnTasks.on(executor));
  }
}
