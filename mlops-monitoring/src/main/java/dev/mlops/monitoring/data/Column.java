package dev.mlops.monitoring.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One column of a table: numerical values (NaN marks a missing value) or categorical values (null
 * marks a missing value). Immutable.
 */
public final class Column {
  /** Column types. */
  public enum Type {
    /** Numbers (missing values are NaN). */
    NUMERICAL,
    /** Categories (missing values are null). */
    CATEGORICAL;

    /** Lower-case name used in reports. */
    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  private final String name;
  private final double[] numbers;
  private final String[] categories;

  private Column(String name, double[] numbers, String[] categories) {
    this.name = name;
    this.numbers = numbers;
    this.categories = categories;
  }

  /** A numerical column; NaN is missing. */
  public static Column numerical(String name, double[] values) {
    return new Column(name, values.clone(), null);
  }

  /** A numerical column that keeps {@code values}, which the caller hands over and no longer touches. */
  static Column owning(String name, double[] values) {
    return new Column(name, values, null);
  }

  /** A categorical column; null is missing. */
  public static Column categorical(String name, String[] values) {
    return new Column(name, null, values.clone());
  }

  /** The column name. */
  public String name() {
    return name;
  }

  /** Whether the column holds numbers or categories. */
  public Type type() {
    return numbers != null ? Type.NUMERICAL : Type.CATEGORICAL;
  }

  /** Rows, missing ones included. */
  public int size() {
    return numbers != null ? numbers.length : categories.length;
  }

  /** The value of row {@code i}: a Double or a String, null when missing (NaN, ±Inf or null). */
  @org.jspecify.annotations.Nullable Object value(int i) {
    if (numbers != null) {
      return Double.isFinite(numbers[i]) ? numbers[i] : null;
    }
    return categories[i];
  }

  /** Numerical values without missing ones (NaN and ±Inf dropped). */
  public double[] presentNumbers() {
    double[] out = new double[numbers.length];
    int n = 0;
    for (double v : numbers) {
      if (Double.isFinite(v)) {
        out[n++] = v;
      }
    }
    return n == out.length ? out : Arrays.copyOf(out, n);
  }

  /** Distinct present values (numbers compared as numbers, so 0.0 and -0.0 are one value, as their labels are). */
  public long distinctPresent() {
    if (numbers == null) {
      return new java.util.HashSet<>(presentLabels()).size();
    }
    double[] v = presentNumbers();
    Arrays.sort(v);
    long distinct = v.length == 0 ? 0 : 1;
    for (int i = 1; i < v.length; i++) {
      if (v[i] != v[i - 1]) {
        distinct++;
      }
    }
    return distinct;
  }

  /** Values as category labels (numbers formatted), missing ones dropped. */
  public List<String> presentLabels() {
    List<String> out = new ArrayList<>();
    if (numbers != null) {
      for (double v : numbers) {
        if (Double.isFinite(v)) {
          out.add(label(v));
        }
      }
    } else {
      for (String s : categories) {
        if (s != null) {
          out.add(s);
        }
      }
    }
    return out;
  }

  /**
   * The label of a number when a numerical column is read as categories ({@link #counts()},
   * {@link #presentLabels()}): a whole number below 10<sup>15</sup> in magnitude without a fraction
   * ({@code 3} for 3.0, {@code 0} for -0.0), any other as {@link Double#toString(double)}.
   */
  public static String label(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
  }

  /** Counts per category label, missing values dropped. */
  public Map<String, Long> counts() {
    Map<String, Long> m = new LinkedHashMap<>();
    for (String s : presentLabels()) {
      m.merge(s, 1L, Long::sum);
    }
    return m;
  }

  /** Missing values (NaN, ±Inf or null). */
  public long missing() {
    return size() - (numbers != null ? presentNumbers().length : presentLabels().size());
  }

  /** The raw numbers (a copy), for numerical columns. */
  public double[] numbers() {
    return numbers == null ? null : numbers.clone();
  }

  /** The raw categories (a copy), for categorical columns. */
  public String[] categories() {
    return categories == null ? null : categories.clone();
  }
}
