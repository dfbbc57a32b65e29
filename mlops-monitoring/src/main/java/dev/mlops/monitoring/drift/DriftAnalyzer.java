package dev.mlops.monitoring.drift;

import dev.mlops.api.InvalidArgumentException;
import dev.mlops.monitoring.data.Table;

/**
 * Compares a current table with a reference table, column by column, on the raw values: every
 * {@link DriftTest} runs, exactly. The columns are tested one after the other on the calling thread
 * (a large exact test sorts its second sample on the common pool meanwhile). Stateless and thread-safe.
 */
public final class DriftAnalyzer {
  private DriftAnalyzer() {}

  /**
   * Compares {@code current} with {@code reference}. A selected reference column that cannot be
   * tested (absent from {@code current}, without values on either side) is listed in
   * {@link DriftReport#untested()} with the reason while every other column is analysed; the
   * verdict covers the tested columns only. A column numerical in the reference but categorical in
   * {@code current} is compared as categories.
   *
   * @throws InvalidArgumentException for an option naming a column the reference lacks, a column's
   *     test that does not fit it, or a forced test that fits none of the compared columns (before
   *     any test runs)
   */
  public static DriftReport compare(Table reference, Table current, DriftOptions options) {
    return DriftEngine.compare(ExactStatistics.sides(reference, current), options, ColumnTasks.inOrder());
  }
}
