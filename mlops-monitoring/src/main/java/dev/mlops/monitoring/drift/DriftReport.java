package dev.mlops.monitoring.drift;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * A dataset drift report. Its verdict covers the columns it tested ({@link #columns()}); a column it
 * was asked to compare but could not test (absent from the current data, without values, of another
 * type) is listed in {@link #untested()} with the reason, never counted as "no drift".
 *
 * @param referenceRows rows in the reference
 * @param currentRows rows in the current data
 * @param datasetDrift whether the share of drifted columns among the tested ones reached the drift share
 *     (false when no column was tested)
 * @param driftShare the share of tested columns that drifted
 * @param driftedColumns how many columns drifted
 * @param columns per-column results of the tested columns, in column order
 * @param correction the multiple-testing correction applied
 * @param untested the columns asked for that were not tested, with the reason, in column order
 * @param testedColumns how many columns were tested: the size of {@code columns}, except in a
 *     {@linkplain #asSummary() summary}, whose {@code columns} keep only the drifted ones
 */
public record DriftReport(int referenceRows, int currentRows, boolean datasetDrift, double driftShare, int driftedColumns,
    List<ColumnDrift> columns, String correction, List<UntestedColumn> untested, int testedColumns) {
  /**
   * Copies the lists; both are immutable. {@code testedColumns} is at least the number of columns
   * (a report stored before these fields existed reads with no untested column).
   */
  public DriftReport {
    columns = List.copyOf(columns);
    untested = untested == null ? List.of() : List.copyOf(untested);
    testedColumns = Math.max(testedColumns, columns.size());
  }

  /** A report of the tested columns and of those that could not be tested. */
  public DriftReport(int referenceRows, int currentRows, boolean datasetDrift, double driftShare, int driftedColumns,
      List<ColumnDrift> columns, String correction, List<UntestedColumn> untested) {
    this(referenceRows, currentRows, datasetDrift, driftShare, driftedColumns, columns, correction, untested, columns.size());
  }

  /** A report in which every column asked for was tested. */
  public DriftReport(int referenceRows, int currentRows, boolean datasetDrift, double driftShare, int driftedColumns,
      List<ColumnDrift> columns, String correction) {
    this(referenceRows, currentRows, datasetDrift, driftShare, driftedColumns, columns, correction, List.of(), columns.size());
  }

  /**
   * The same verdict in a few bytes, as a store keeps an old window: only the drifted columns,
   * without their bins; the counts, the untested columns and {@link #testedColumns()} stay.
   */
  public DriftReport asSummary() {
    List<ColumnDrift> drifted = columns.stream().filter(ColumnDrift::drift).map(c -> new ColumnDrift(c.name(), c.type(), c.test(),
        c.statistic(), c.pValue(), c.rawPValue(), c.threshold(), true, c.effectSize(), c.referenceCount(), c.currentCount(), List.of(),
        c.statisticError(), c.unsettled()))
        .toList();
    return new DriftReport(referenceRows, currentRows, datasetDrift, driftShare, driftedColumns, drifted, correction, untested, testedColumns);
  }

  /**
   * The verdict in words, never claiming more than was tested: {@code dataset drift in 2 of 4 tested
   * columns (amount, channel)}, {@code no dataset drift in 4 tested columns}, or {@code no column
   * tested}, followed by {@code ; unsettled (read from sketches, within their error of the threshold):
   * amount} when a verdict read from sketches could go the other way on the rows
   * ({@link ColumnDrift#unsettled()}), and by {@code ; not tested: label (absent from the current data)}
   * when columns were not tested.
   */
  public String verdict() {
    StringBuilder sb = new StringBuilder();
    List<String> drifted = columns.stream().filter(ColumnDrift::drift).map(ColumnDrift::name).toList();
    if (testedColumns == 0) {
      sb.append("no column tested");
    } else if (datasetDrift) {
      sb.append(String.format(Locale.ROOT, "dataset drift in %d of %d tested columns (%s)", driftedColumns, testedColumns,
          String.join(", ", drifted)));
    } else {
      sb.append("no dataset drift in ").append(testedColumns).append(testedColumns == 1 ? " tested column" : " tested columns");
      if (!drifted.isEmpty()) {
        sb.append(" (").append(drifted.size()).append(" drifted: ").append(String.join(", ", drifted)).append(')');
      }
    }
    List<String> unsettled = columns.stream().filter(ColumnDrift::unsettled).map(ColumnDrift::name).toList();
    if (!unsettled.isEmpty()) {
      sb.append("; unsettled (read from sketches, within their error of the threshold): ").append(String.join(", ", unsettled));
    }
    if (!untested.isEmpty()) {
      sb.append("; not tested: ").append(untested.stream().map(u -> u.name() + " (" + u.reason() + ")").collect(Collectors.joining(", ")));
    }
    return sb.toString();
  }

  /**
   * The drift share as a percentage with one decimal ({@code 33.3%}): the one form the HTML report,
   * the web UI and the demos print it in.
   */
  public String driftSharePercent() {
    return percent(driftShare);
  }

  /**
   * A share from 0 to 1 as a percentage with one decimal, {@code 0.5} as {@code 50.0%} (in any
   * locale); {@code NaN} or an infinite value as {@code –}.
   */
  public static String percent(double share) {
    return Double.isFinite(share) ? String.format(Locale.ROOT, "%.1f%%", share * 100) : "\u2013";
  }
}
