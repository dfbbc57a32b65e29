package dev.mlops.monitoring.drift;

import dev.mlops.api.InvalidArgumentException;
import dev.mlops.api.internal.Validation;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * How to compare a current table with a reference, the same for {@link DriftAnalyzer} (raw reference
 * rows) and {@link ProfileDrift} (a reference profile). Defaults follow Evidently: with a reference of
 * at most 1,000 values, {@code ks} for numerical columns with more than 5 distinct values (both sides
 * together), otherwise {@code chisquare} (more than 2 values) or {@code z} (2), drift when
 * p &lt; 0.05; with a larger reference, {@code wasserstein} for numerical and {@code jensenshannon}
 * for categorical columns, drift when the distance is at least 0.1. The dataset drifts when at least
 * half the tested columns do. Every column an option names must be a column of the reference.
 * Immutable; build with {@link #builder()}.
 */
public final class DriftOptions {
  final DriftTest test;
  final Double threshold;
  final Map<String, DriftTest> columnTests;
  final Map<String, Double> columnThresholds;
  final Set<String> columns;
  final Set<String> exclude;
  final int bins;
  final Correction correction;
  final double effectSizeFloor;
  final double driftShare;

  private DriftOptions(Builder b) {
    this.test = b.test;
    this.threshold = b.threshold;
    this.columnTests = Map.copyOf(b.columnTests);
    this.columnThresholds = Map.copyOf(b.columnThresholds);
    this.columns = Set.copyOf(b.columns);
    this.exclude = Set.copyOf(b.exclude);
    this.bins = b.bins;
    this.correction = b.correction;
    this.effectSizeFloor = b.effectSizeFloor;
    this.driftShare = b.driftShare;
  }

  /** The defaults. */
  public static DriftOptions defaults() {
    return builder().build();
  }

  /** A builder with the defaults: tests chosen per column, their default thresholds, 10 bins, no correction. */
  public static Builder builder() {
    return new Builder();
  }

  /** The test forced for every column it fits, if any. */
  public Optional<DriftTest> test() {
    return Optional.ofNullable(test);
  }

  /** The tests of single columns ({@link Builder#columnTest}), by column; immutable. */
  public Map<String, DriftTest> columnTests() {
    return columnTests;
  }

  /**
   * Every column these options name: in {@link Builder#columns}, {@link Builder#exclude},
   * {@link Builder#columnTest} and {@link Builder#columnThreshold}. A comparison refuses options
   * naming a column its reference lacks.
   */
  public Set<String> namedColumns() {
    Set<String> out = new LinkedHashSet<>(columns);
    out.addAll(exclude);
    out.addAll(columnTests.keySet());
    out.addAll(columnThresholds.keySet());
    return Set.copyOf(out);
  }

  /** A builder holding these options, to derive others from them (this object does not change). */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.test = test;
    b.threshold = threshold;
    b.columnTests.putAll(columnTests);
    b.columnThresholds.putAll(columnThresholds);
    b.columns.addAll(columns);
    b.exclude.addAll(exclude);
    b.bins = bins;
    b.correction = correction;
    b.effectSizeFloor = effectSizeFloor;
    b.driftShare = driftShare;
    return b;
  }

  /** Builder of {@link DriftOptions}; reusable. */
  public static final class Builder {
    private DriftTest test;
    private Double threshold;
    private final Map<String, DriftTest> columnTests = new LinkedHashMap<>();
    private final Map<String, Double> columnThresholds = new LinkedHashMap<>();
    private final Set<String> columns = new LinkedHashSet<>();
    private final Set<String> exclude = new LinkedHashSet<>();
    private int bins = 10;
    private Correction correction = Correction.NONE;
    private double effectSizeFloor;
    private double driftShare = 0.5;

    private Builder() {}

    /**
     * One test for every column it fits (the others keep their default; a comparison in which it fits
     * no column is refused). Against a profile it fits only if {@link DriftTest#worksOnProfile()}.
     */
    public Builder test(DriftTest test) {
      this.test = Validation.notNull("test", test);
      return this;
    }

    /** One threshold for every column (otherwise each test's default). */
    public Builder threshold(double threshold) {
      this.threshold = checkThreshold(threshold);
      return this;
    }

    /** The test of one column; a comparison in which it does not fit that column is refused. */
    public Builder columnTest(String column, DriftTest test) {
      columnTests.put(Validation.notNull("column", column), Validation.notNull("test", test));
      return this;
    }

    /** The threshold of one column. */
    public Builder columnThreshold(String column, double threshold) {
      columnThresholds.put(Validation.notNull("column", column), checkThreshold(threshold));
      return this;
    }

    private static double checkThreshold(double t) {
      if (!(t > 0) || Double.isInfinite(t)) {
        throw InvalidArgumentException.of("threshold", t, "must be a positive number");
      }
      return t;
    }

    /** Compares only these columns. */
    public Builder columns(Set<String> names) {
      columns.addAll(names);
      return this;
    }

    /** Leaves these columns out. */
    public Builder exclude(Set<String> names) {
      exclude.addAll(names);
      return this;
    }

    /** Quantile bins for numerical binned tests (default 10). */
    public Builder bins(int bins) {
      if (bins < 2 || bins > 10_000) {
        throw InvalidArgumentException.of("bins", bins, "must be between 2 and 10000");
      }
      this.bins = bins;
      return this;
    }

    /** Correction of p-values across columns (default none). */
    public Builder correction(Correction correction) {
      this.correction = Validation.notNull("correction", correction);
      return this;
    }

    /**
     * A p-value test flags drift only if the shift is also at least this large: the normed
     * Wasserstein distance for numerical columns, the Jensen–Shannon distance for categorical ones
     * (default 0, off). Keeps huge samples from flagging negligible shifts.
     */
    public Builder effectSizeFloor(double floor) {
      if (!(floor >= 0) || Double.isInfinite(floor)) {
        throw InvalidArgumentException.of("effect size floor", floor, "must be zero or positive");
      }
      this.effectSizeFloor = floor;
      return this;
    }

    /** The share of drifted columns at which the dataset drifts (default 0.5). */
    public Builder driftShare(double share) {
      if (!(share > 0 && share <= 1)) {
        throw InvalidArgumentException.of("drift share", share, "must be in (0, 1]");
      }
      this.driftShare = share;
      return this;
    }

    /** The options. */
    public DriftOptions build() {
      return new DriftOptions(this);
    }
  }
}
