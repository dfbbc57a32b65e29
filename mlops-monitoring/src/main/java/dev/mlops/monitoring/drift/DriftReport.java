package dev.mlops.monitoring.drift;

import java.util.List;

/**
 * A dataset drift report.
 *
 * @param referenceRows rows in the reference
 * @param currentRows rows in the current data
 * @param datasetDrift whether the share of drifted columns reached the drift share
 * @param driftShare the share of columns that drifted
 * @param driftedColumns how many columns drifted
 * @param columns per-column results, in column order
 * @param correction the multiple-testing correction applied
 */
public record DriftReport(int referenceRows, int currentRows, boolean datasetDrift, double driftShare, int driftedColumns,
    List<ColumnDrift> columns, String correction) {
  /** Copies the columns; the list is immutable. */
  public DriftReport {
    columns = List.copyOf(columns);
  }
}
