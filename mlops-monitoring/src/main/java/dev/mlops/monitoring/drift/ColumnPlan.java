package dev.mlops.monitoring.drift;

import dev.mlops.api.InvalidArgumentException;
import org.jspecify.annotations.Nullable;

/**
 * How one column is tested: its test and threshold, chosen the same way whatever the comparison
 * path. The test is the column's own ({@link DriftOptions.Builder#columnTest}, refused if it does not
 * fit), else the forced one where it fits ({@link DriftOptions.Builder#test}), else the default:
 * with a reference of at most 1,000 values, {@code ks} for a numerical column of more than
 * {@value ColumnStatistics#FEW_VALUES} distinct values, otherwise {@code chisquare} (more than 2
 * values) or {@code z}; with a larger reference, {@code wasserstein} for numbers and
 * {@code jensenshannon} for categories (Evidently's rules). Distinct values count both sides together.
 *
 * @param test the test
 * @param threshold the column's threshold, else the options', else the test's default
 */
record ColumnPlan(DriftTest test, double threshold) {
  /** The reference size up to which the default tests are p-value tests. */
  static final long SMALL_REFERENCE = 1000;

  /**
   * The plan of one column.
   *
   * @throws InvalidArgumentException when the column's own test does not fit it
   */
  static ColumnPlan of(ColumnStatistics column, DriftOptions options) {
    DriftTest test = options.columnTests.get(column.name());
    if (test != null) {
      String why = misfit(test, column);
      if (why != null) {
        throw InvalidArgumentException.of("test " + test.id(), "column " + column.name(), why);
      }
    } else if (options.test != null && misfit(options.test, column) == null) {
      test = options.test;
    } else {
      test = defaultTest(column);
    }
    Double threshold = options.columnThresholds.get(column.name());
    return new ColumnPlan(test, threshold != null ? threshold : options.threshold != null ? options.threshold : test.defaultThreshold());
  }

  /** Why {@code test} does not fit {@code column}, or null when it does. */
  static @Nullable String misfit(DriftTest test, ColumnStatistics column) {
    if (!column.numerical() && !test.fitsCategorical()) {
      return "does not fit a categorical column";
    }
    if (!column.gives(test.reads())) {
      return column.lacks(test.reads());
    }
    if (test.needsTwoValues() && column.distinct() > 2) {
      return "needs a column with at most 2 distinct values; '" + column.name() + "' has " + column.distinct();
    }
    return null;
  }

  static DriftTest defaultTest(ColumnStatistics column) {
    if (column.referenceCount() <= SMALL_REFERENCE) {
      if (column.numerical() && column.distinct() > ColumnStatistics.FEW_VALUES) {
        return DriftTest.KS;
      }
      return column.distinct() > 2 ? DriftTest.CHISQUARE : DriftTest.Z;
    }
    return column.numerical() ? DriftTest.WASSERSTEIN : DriftTest.JENSENSHANNON;
  }
}
