package dev.mlops.monitoring.drift;

import dev.mlops.monitoring.data.Column;
import dev.mlops.monitoring.data.Table;
import dev.mlops.monitoring.stats.Binned;
import dev.mlops.monitoring.stats.TestResult;
import dev.mlops.monitoring.stats.TwoSample;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A column's statistics from raw rows on both sides: every test runs exactly. Numbers are compared
 * as numbers (no value is formatted as text unless a count test needs its label); a column numerical
 * in the reference but categorical in the current rows is compared as categories.
 */
final class ExactStatistics extends ColumnStatistics {
  private final Column reference;
  private final double @Nullable [] referenceNumbers;
  private final double @Nullable [] currentNumbers;
  /** Sorted copies of both sides, made once for the tests and bins that read them in order. */
  private double @Nullable [][] sorted;

  private ExactStatistics(Column reference, Column current, boolean numerical, int bins) {
    super(reference.name(), numerical, bins, current);
    this.reference = reference;
    this.referenceNumbers = numerical ? reference.presentNumbers() : null;
    this.currentNumbers = numerical ? currentNumbers() : null;
  }

  /** The two tables as the drift engine reads them. */
  static DriftEngine.Sides sides(Table reference, Table current) {
    return new DriftEngine.Sides() {
      @Override
      public int referenceRows() {
        return reference.rows();
      }

      @Override
      public int currentRows() {
        return current.rows();
      }

      @Override
      public List<String> referenceColumns() {
        return List.copyOf(reference.columns().keySet());
      }

      @Override
      public @Nullable String untested(String column) {
        Column ref = reference.column(column);
        Column cur = current.columns().get(column);
        // a numerical reference against categorical current values is compared as categories
        return cur == null ? UntestedColumn.ABSENT : UntestedColumn.reason(ref.size() - ref.missing(), cur.size() - cur.missing(),
            cur.size(), false, false, 0);
      }

      @Override
      public ColumnStatistics column(String column, int bins) {
        Column ref = reference.column(column);
        Column cur = current.column(column);
        boolean numerical = ref.type() == Column.Type.NUMERICAL && cur.type() == Column.Type.NUMERICAL;
        return new ExactStatistics(ref, cur, numerical, bins);
      }
    };
  }

  @Override
  long referenceCount() {
    return reference.size() - reference.missing();
  }

  @Override
  boolean gives(DriftTest.Reads what) {
    return true;
  }

  @Override
  String lacks(DriftTest.Reads what) {
    return "raw rows give everything a test reads";
  }

  @Override
  Map<String, Long> countReferenceLabels() {
    return reference.counts();
  }

  @Override
  int distinctNumbers() {
    double[] both = Arrays.copyOf(referenceNumbers, referenceNumbers.length + currentNumbers.length);
    System.arraycopy(currentNumbers, 0, both, referenceNumbers.length, currentNumbers.length);
    return (int) Column.numerical(name(), both).distinctPresent();
  }

  @Override
  boolean oneValueOnBothSides() {
    double v = referenceNumbers[0];
    for (double x : referenceNumbers) {
      if (x != v) {
        return false;
      }
    }
    for (double x : currentNumbers) {
      if (x != v) {
        return false;
      }
    }
    return true;
  }

  @Override
  TestResult ks() {
    double[][] s = sorted();
    return TwoSample.ksOfSorted(s[0], s[1]);
  }

  private double[][] sorted() {
    if (sorted == null) {
      sorted = TwoSample.sortedCopies(referenceNumbers, currentNumbers);
    }
    return sorted;
  }

  @Override
  double computeNormedWasserstein() {
    double[][] s = sorted();
    return TwoSample.normedWassersteinOfSorted(referenceNumbers, s[0], s[1]);
  }

  @Override
  Binned.Shares numberBins(int bins) {
    double[][] s = sorted();
    return Binned.numericalOfSorted(s[0], s[1], bins);
  }

  @Override
  double[] referenceValues() {
    return referenceNumbers;
  }

  @Override
  double[] currentValues() {
    return currentNumbers;
  }
}
