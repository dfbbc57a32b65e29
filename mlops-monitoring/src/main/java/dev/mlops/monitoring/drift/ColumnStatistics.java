package dev.mlops.monitoring.drift;

import dev.mlops.monitoring.data.Column;
import dev.mlops.monitoring.stats.Binned;
import dev.mlops.monitoring.stats.TestResult;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One column's two sides as the drift tests read them ({@link DriftTest.Reads}). This is all a
 * comparison path supplies: {@link ExactStatistics} from raw reference rows, {@link SketchStatistics}
 * from a reference profile; the plan, the tests and the verdict are the same for both
 * ({@link DriftEngine}). What both derive alike (category shares and aligned counts, the bins of the
 * report, the effect size, the distinct values of a categorical column) is computed here, once.
 * Used by the one thread that analyses the column.
 */
abstract class ColumnStatistics {
  /** A numerical column with at most this many distinct values is compared as categories by default (Evidently's rule). */
  static final int FEW_VALUES = 5;

  private final String name;
  private final boolean numerical;
  private final int bins;
  private final @Nullable Column current;
  private @Nullable Map<String, Long> referenceLabels;
  private @Nullable Map<String, Long> currentLabels;
  private Binned.@Nullable Shares categories;
  private long @Nullable [] referenceCounts;
  private long @Nullable [] currentCounts;
  private Binned.@Nullable Shares shares;
  private double normedWasserstein = Double.NaN;
  private int distinct = -1;

  /**
   * Statistics of the reference column {@code name} against the exact {@code current} column (same
   * name), or, with {@code current} null, against a current side the subclass gives itself
   * ({@link #currentCount()}, {@link #countCurrentLabels()}).
   */
  ColumnStatistics(String name, boolean numerical, int bins, @Nullable Column current) {
    this.name = name;
    this.numerical = numerical;
    this.bins = bins;
    this.current = current;
  }

  final String name() {
    return name;
  }

  /** Whether the column is compared as numbers (numerical on both sides), else as categories. */
  final boolean numerical() {
    return numerical;
  }

  /** Values in the reference after dropping missing ones. */
  abstract long referenceCount();

  /** Values in the current data after dropping missing ones. */
  long currentCount() {
    return exactCurrent().size() - exactCurrent().missing();
  }

  /** The current column's present numbers, on a path that has the current rows themselves. */
  final double[] currentNumbers() {
    return exactCurrent().presentNumbers();
  }

  private Column exactCurrent() {
    if (current == null) {
      throw new IllegalStateException("column '" + name + "' is compared without its current rows");
    }
    return current;
  }

  /** Counts per current value, numbers by their label ({@link Column#label}); called once. */
  Map<String, Long> countCurrentLabels() {
    return exactCurrent().counts();
  }

  /** Whether this path can give what a test reads of this column; {@link #lacks} says why not. */
  abstract boolean gives(DriftTest.Reads what);

  /** Why this path cannot give {@code what} for this column, for the message of a test that does not fit. */
  abstract String lacks(DriftTest.Reads what);

  /** Counts per reference value, numbers by their label ({@link Column#label}); called once. */
  abstract Map<String, Long> countReferenceLabels();

  /** Counts per reference value, numbers by their label ({@link Column#label}). */
  final Map<String, Long> referenceLabelCounts() {
    if (referenceLabels == null) {
      referenceLabels = countReferenceLabels();
    }
    return referenceLabels;
  }

  /** Counts per current value, numbers by their label ({@link Column#label}). */
  final Map<String, Long> currentLabelCounts() {
    if (currentLabels == null) {
      currentLabels = countCurrentLabels();
    }
    return currentLabels;
  }

  /** Distinct numbers of both sides together; numerical columns only. */
  abstract int distinctNumbers();

  /** Whether both sides hold one and the same number and nothing else; numerical columns only. */
  abstract boolean oneValueOnBothSides();

  /** The two-sample KS test; numerical columns only. */
  abstract TestResult ks();

  /**
   * How far the statistic of {@code test} read here may lie from the one the rows themselves would
   * give (the sketches' rank errors carried through, at their 99% confidence), or NaN when it is
   * computed from the rows or no such bound is known. Sketch paths bound KS and Wasserstein.
   */
  double statisticError(DriftTest test) {
    return Double.NaN;
  }

  /** The KS result a statistic {@code d} would have with this column's counts, where {@link #statisticError} bounds KS. */
  TestResult ksAt(double d) {
    throw new IllegalStateException("KS is computed from the rows for '" + name + "'");
  }

  /** The Wasserstein distance divided by the reference's standard deviation (0.001 when that is 0); numerical columns only. */
  abstract double computeNormedWasserstein();

  /** Shares over quantile bins of the reference; numerical columns only. */
  abstract Binned.Shares numberBins(int bins);

  /** The raw reference values; only where {@link #gives} {@link DriftTest.Reads#VALUES}. */
  double[] referenceValues() {
    throw new IllegalStateException(lacks(DriftTest.Reads.VALUES));
  }

  /** The raw current values; only where {@link #gives} {@link DriftTest.Reads#VALUES}. */
  double[] currentValues() {
    throw new IllegalStateException(lacks(DriftTest.Reads.VALUES));
  }

  /** Distinct values of both sides together: numbers as numbers, categories by label. */
  final int distinct() {
    if (distinct < 0) {
      distinct = numerical ? distinctNumbers() : categories().labels().length;
    }
    return distinct;
  }

  /** One share per value label over the union of both sides, in label order. */
  final Binned.Shares categories() {
    if (categories == null) {
      categories = Binned.categorical(referenceLabelCounts(), currentLabelCounts());
    }
    return categories;
  }

  /** Reference counts aligned with {@link #categories()}' labels. */
  final long[] referenceCounts() {
    alignCounts();
    return referenceCounts;
  }

  /** Current counts aligned with {@link #categories()}' labels. */
  final long[] currentCounts() {
    alignCounts();
    return currentCounts;
  }

  private void alignCounts() {
    if (referenceCounts != null) {
      return;
    }
    String[] labels = categories().labels();
    Map<String, Long> rc = referenceLabelCounts();
    Map<String, Long> cc = currentLabelCounts();
    long[] r = new long[labels.length];
    long[] c = new long[labels.length];
    for (int i = 0; i < labels.length; i++) {
      r[i] = rc.getOrDefault(labels[i], 0L);
      c[i] = cc.getOrDefault(labels[i], 0L);
    }
    referenceCounts = r;
    currentCounts = c;
  }

  /** The binned tests' shares and the report's bins: quantile bins of the reference for numbers, categories otherwise. */
  final Binned.Shares shares() {
    if (shares == null) {
      shares = numerical ? numberBins(bins) : categories();
    }
    return shares;
  }

  /** See {@link #computeNormedWasserstein()}; computed once. */
  final double normedWasserstein() {
    if (Double.isNaN(normedWasserstein)) {
      normedWasserstein = computeNormedWasserstein();
    }
    return normedWasserstein;
  }

  /** The shift compared with the effect-size floor: the normed Wasserstein distance for numbers, Jensen–Shannon for categories. */
  final double effect() {
    return numerical ? normedWasserstein() : Binned.jensenShannon(categories());
  }

  /** The report's bins. */
  final List<ColumnDrift.Bin> bins() {
    Binned.Shares s = shares();
    ColumnDrift.Bin[] out = new ColumnDrift.Bin[s.labels().length];
    for (int i = 0; i < out.length; i++) {
      out[i] = new ColumnDrift.Bin(s.labels()[i], s.reference()[i], s.current()[i]);
    }
    return List.of(out);
  }
}
