package dev.mlops.spark;

import dev.mlops.api.InvalidArgumentException;
import dev.mlops.monitoring.data.Column;
import dev.mlops.monitoring.data.Table;
import dev.mlops.monitoring.drift.DriftOptions;
import dev.mlops.monitoring.drift.DriftReport;
import dev.mlops.monitoring.drift.ProfileDrift;
import dev.mlops.monitoring.profile.Profile;
import dev.mlops.monitoring.quality.DataQuality;
import dev.mlops.monitoring.quality.QualityReport;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * A DataFrame of current rows (a day, a live window) compared with a reference profile by the
 * library's own drift engine and data-quality checks, so the reports are those the library makes in
 * one JVM: the same tests, defaults, corrections and verdicts ({@link ProfileDrift}, {@link DataQuality}).
 *
 * <p>The library's drift tests read the reference from its sketches and the current data exactly
 * (KS and Wasserstein against the exact current CDF, exact current counts, the current rows for the
 * duplicate-row check), so the current rows are collected to the driver once, by one Spark job, as a
 * {@link Table}: drift and quality then both read that table, no second scan. The number of current
 * rows is bounded ({@link #DEFAULT_MAX_ROWS} unless given); a larger DataFrame is refused, naming the
 * bound, rather than collected: sample it first ({@code current.sample(fraction, seed)}), which the
 * tests tolerate as the sampling noise of any window. The reference can be as large as Spark can
 * profile ({@link SparkProfiler}).
 *
 * <p>Column types come from the schema as {@link SparkProfiler} reads them: numbers (null is missing),
 * booleans and strings as categories; columns of other types are left out of the table (the drift
 * report lists a reference column it therefore lacks as not tested). Immutable once made; thread-safe.
 */
public final class SparkComparison {
  /** The default bound on the current rows collected to the driver. */
  public static final int DEFAULT_MAX_ROWS = 1_000_000;

  private final Profile reference;
  private final Table current;

  private SparkComparison(Profile reference, Table current) {
    this.reference = reference;
    this.current = current;
  }

  /**
   * Collects {@code current} (at most {@link #DEFAULT_MAX_ROWS} rows) for comparison with {@code reference}.
   *
   * @throws InvalidArgumentException as {@link #of(Profile, Dataset, int)}
   */
  public static SparkComparison of(Profile reference, Dataset<Row> current) {
    return of(reference, current, DEFAULT_MAX_ROWS);
  }

  /**
   * Collects {@code current}, at most {@code maxRows} rows, for comparison with {@code reference}: one Spark job.
   *
   * @throws InvalidArgumentException if an argument is null, {@code maxRows} is below 1, or
   *     {@code current} has more than {@code maxRows} rows (nothing else is computed)
   */
  public static SparkComparison of(Profile reference, Dataset<Row> current, int maxRows) {
    Arguments.notNull("reference", reference);
    Arguments.notNull("current", current);
    if (maxRows < 1) {
      throw InvalidArgumentException.of("max rows", maxRows, "must be at least 1");
    }
    return new SparkComparison(reference, table(current, maxRows));
  }

  /** The current rows as the library's table (numbers with NaN for missing, categories with null). */
  public Table current() {
    return current;
  }

  /**
   * The drift report of the current rows against the reference: {@link ProfileDrift#compare(Profile, Table, DriftOptions)}.
   *
   * @throws InvalidArgumentException as {@link ProfileDrift#compare(Profile, Table, DriftOptions)}
   */
  public DriftReport drift(DriftOptions options) {
    return ProfileDrift.compare(reference, current, Arguments.notNull("options", options));
  }

  /** The data-quality report of the current rows against the reference: {@link DataQuality#check(Profile, Table)}. */
  public QualityReport quality(DataQuality quality) {
    return Arguments.notNull("quality", quality).check(reference, current);
  }

  /**
   * The rows of {@code data} as the library's table, collected by one Spark job.
   *
   * @throws InvalidArgumentException if {@code data} has more than {@code maxRows} rows
   */
  static Table table(Dataset<Row> data, int maxRows) {
    ColumnPlan plan = ColumnPlan.of(data.schema(), Set.of(), false);
    List<Row> rows = data.limit(maxRows == Integer.MAX_VALUE ? maxRows : maxRows + 1).collectAsList();
    if (rows.size() > maxRows) {
      throw InvalidArgumentException.of("current rows", "more than " + maxRows, "are more than the driver is asked to hold; sample them"
          + " first (current.sample(fraction, seed)) or raise the bound");
    }
    List<Column> columns = new ArrayList<>();
    for (int c = 0; c < plan.names.length; c++) {
      int i = plan.indexes[c];
      if (plan.kinds[c] == ColumnPlan.Kind.NUMBER) {
        double[] v = new double[rows.size()];
        for (int r = 0; r < v.length; r++) {
          Row row = rows.get(r);
          v[r] = row.isNullAt(i) ? Double.NaN : ((Number) row.get(i)).doubleValue();
        }
        columns.add(Column.numerical(plan.names[c], v));
      } else {
        String[] v = new String[rows.size()];
        for (int r = 0; r < v.length; r++) {
          Row row = rows.get(r);
          v[r] = row.isNullAt(i) ? null : row.get(i).toString();
        }
        columns.add(Column.categorical(plan.names[c], v));
      }
    }
    return Table.of(columns);
  }
}
