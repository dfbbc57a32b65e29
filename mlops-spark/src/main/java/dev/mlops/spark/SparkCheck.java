package dev.mlops.spark;

import dev.mlops.api.InvalidArgumentException;
import dev.mlops.monitoring.drift.DriftOptions;
import dev.mlops.monitoring.drift.DriftReport;
import dev.mlops.monitoring.drift.ProfileDrift;
import dev.mlops.monitoring.profile.Profile;
import dev.mlops.monitoring.quality.DataQuality;
import dev.mlops.monitoring.quality.QualityCounts;
import dev.mlops.monitoring.quality.QualityReport;
import dev.mlops.monitoring.report.HtmlReport;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * A DataFrame of current rows checked against a reference profile in one pass over its data, on the
 * executors, whatever its size: the pass profiles the rows (as {@link SparkProfiler} does) and counts
 * what the library's built-in data-quality checks read ({@link QualityCounts}: missing values, numbers
 * outside the reference's range, values in categories the reference lacks, distinct values, duplicate
 * rows), per partition, merged. Nothing is collected to the driver but the merged profile and counts;
 * drift is then computed on the driver from the two profiles' sketches.
 *
 * <pre>{@code
 * SparkCheck today = SparkCheck.of(reference, spark.table("payments_today"));
 * DriftReport drift = today.drift(DriftOptions.defaults());
 * QualityReport quality = today.quality(DataQuality.with(List.of()));
 * Files.writeString(Path.of("today.html"), today.html(DriftOptions.defaults(), DataQuality.with(List.of()), "payments today"));
 * }</pre>
 *
 * <p>Drift ({@link #drift}) is {@link ProfileDrift#compare(Profile, Profile, DriftOptions)}: the
 * library's plan, tests, defaults, corrections and verdict, the current side's statistics read from the
 * merged profile's sketches (KS and Wasserstein between the two quantile sketches, within the sum of
 * their rank errors). The tests that need raw values (Anderson–Darling, Cramér–von Mises,
 * Mann–Whitney, t, energy) cannot run against profiles and are refused naming those that can; for
 * them, or for the current side's exact CDF, compare a seeded sample's rows with
 * {@link SparkComparison} ({@code current.sample(fraction, seed)}).
 *
 * <p>The quality report is the one {@link DataQuality#check(Profile, dev.mlops.monitoring.data.Table)}
 * makes from the same rows in one JVM, check for check and message for message, with two stated
 * limits: distinct values are counted exactly up to {@value QualityTally#MAX_DISTINCT} per column,
 * beyond which the not-constant check's observed count is the profile's HyperLogLog estimate (its
 * verdict, which asks only whether a column holds one value, is unchanged); and the values in
 * categories the reference lacks are held on the driver by category, so their number bounds the
 * memory it needs. Duplicate rows are found by a shuffle of the rows' encoded values in the same job
 * (Spark combines equal rows within a partition first), not by a second read of the source. The
 * declarative {@link dev.mlops.monitoring.quality.Check}s read the rows themselves and are not run
 * here: run them with {@link SparkComparison} on a sample.
 *
 * <p>Columns are read as {@link SparkProfiler} reads them; unsupported types are skipped (listed in
 * {@link DataFrameProfile#skipped()}). Immutable once made; thread-safe.
 */
public final class SparkCheck {
  private final Profile reference;
  private final DataFrameProfile profile;
  private final QualityCounts counts;

  private SparkCheck(Profile reference, DataFrameProfile profile, QualityCounts counts) {
    this.reference = reference;
    this.profile = profile;
    this.counts = counts;
  }

  /**
   * Profiles {@code current} and counts its quality against {@code reference}: one Spark job, one read of its source.
   *
   * @throws InvalidArgumentException if an argument is null or {@code current} has two columns of one name (before any job runs)
   */
  public static SparkCheck of(Profile reference, Dataset<Row> current) {
    Arguments.notNull("reference", reference);
    Arguments.notNull("current", current);
    ColumnPlan plan = ColumnPlan.of(current.schema(), Set.of(), false);
    QualityTally tally = QualityPass.run(current, plan, reference, 2);
    return new SparkCheck(reference, new DataFrameProfile(Profile.fromBytes(tally.profile), plan.skipped), tally.counts(plan));
  }

  /** The reference profile checked against. */
  public Profile reference() {
    return reference;
  }

  /** The current rows' profile, as {@link SparkProfiler} makes it, and the columns left out. */
  public DataFrameProfile profile() {
    return profile;
  }

  /** What the built-in quality checks read of the current rows. */
  public QualityCounts counts() {
    return counts;
  }

  /**
   * The drift report of the current rows' profile against the reference: {@link ProfileDrift#compare(Profile, Profile, DriftOptions)}.
   *
   * @throws InvalidArgumentException as {@link ProfileDrift#compare(Profile, Profile, DriftOptions)}
   */
  public DriftReport drift(DriftOptions options) {
    return ProfileDrift.compare(reference, profile.profile(), Arguments.notNull("options", options));
  }

  /**
   * The library's HTML report of this comparison ({@link HtmlReport}): the drift report under
   * {@code options} and the built-in quality checks under {@code quality}, headed by {@code title}.
   *
   * @throws InvalidArgumentException as {@link #drift} and {@link #quality}, or if {@code title} is null
   */
  public String html(DriftOptions options, DataQuality quality, String title) {
    Arguments.notNull("title", title);
    return HtmlReport.render(drift(options), quality(quality), java.util.List.of(), title);
  }

  /**
   * The built-in data-quality checks of the current rows against the reference under {@code quality}'s
   * limits: {@link DataQuality#check(Profile, QualityCounts)}.
   *
   * @throws InvalidArgumentException if {@code quality} is null or carries declarative checks
   */
  public QualityReport quality(DataQuality quality) {
    return Arguments.notNull("quality", quality).check(reference, counts);
  }
}
