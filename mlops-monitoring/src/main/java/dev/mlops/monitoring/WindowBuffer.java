package dev.mlops.monitoring;

import dev.mlops.monitoring.data.Column;
import dev.mlops.monitoring.data.Table;
import dev.mlops.monitoring.profile.ColumnProfile;
import dev.mlops.monitoring.profile.Profile;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The rows of one open window, kept column by column: a numeric column in a {@code double[]}, a
 * categorical one in a {@code String[]}. A column's type is the reference profile's (or, for a
 * column the reference lacks, that of its first non-missing value) and never changes within the
 * window: a value of the wrong type (text in a numeric column) is stored as missing and counted as
 * a type problem of the column, with the first such value kept as an example, so one dirty value
 * neither changes the column's test nor loses the window. A reference column that no row of the
 * window names (not even with a null) is absent from its table. Not thread-safe: the monitor guards it.
 */
final class WindowBuffer {
  private final LinkedHashMap<String, Col> columns = new LinkedHashMap<>();
  private final Map<String, Boolean> referenceTypes;
  private int rows;

  /** A column's values and type problems. */
  private static final class Col {
    final String name;
    final boolean numeric;
    double[] numbers;
    String[] labels;
    long typeErrors;
    String example;
    // whether any row named this column (a null value names it; a reference column no row names is absent)
    boolean named;

    Col(String name, boolean numeric, int capacity, int filled) {
      this.name = name;
      this.numeric = numeric;
      int cap = Math.max(16, Math.max(capacity, filled + 1));
      if (numeric) {
        numbers = new double[cap];
        Arrays.fill(numbers, Double.NaN);
      } else {
        labels = new String[cap];
      }
    }

    void ensure(int size) {
      if (numeric && numbers.length < size) {
        int old = numbers.length;
        numbers = Arrays.copyOf(numbers, Math.max(size, old * 2));
        Arrays.fill(numbers, old, numbers.length, Double.NaN);
      } else if (!numeric && labels.length < size) {
        labels = Arrays.copyOf(labels, Math.max(size, labels.length * 2));
      }
    }

    void set(int row, Object v) {
      named = true;
      ensure(row + 1);
      if (numeric) {
        if (v == null) {
          numbers[row] = Double.NaN;
        } else if (v instanceof Number n) {
          numbers[row] = n.doubleValue();
        } else {
          numbers[row] = Double.NaN;
          typeError(v);
        }
      } else {
        labels[row] = v == null ? null : v.toString();
      }
    }

    void setNumber(int row, double v) {
      named = true;
      ensure(row + 1);
      if (numeric) {
        numbers[row] = v;
      } else {
        labels[row] = Double.isNaN(v) ? null : Double.toString(v);
      }
    }

    void typeError(Object v) {
      typeErrors++;
      if (example == null) {
        String s = String.valueOf(v);
        example = s.length() > 40 ? s.substring(0, 37) + "..." : s;
      }
    }

    Column column(int rows) {
      ensure(rows);
      if (numeric) {
        return Column.numerical(name, numbers.length == rows ? numbers : Arrays.copyOf(numbers, rows));
      }
      return Column.categorical(name, labels.length == rows ? labels : Arrays.copyOf(labels, rows));
    }

    Column column(int[] rowIndexes) {
      ensure(rows(rowIndexes));
      if (numeric) {
        double[] v = new double[rowIndexes.length];
        for (int i = 0; i < v.length; i++) {
          v[i] = numbers[rowIndexes[i]];
        }
        return Column.numerical(name, v);
      }
      String[] v = new String[rowIndexes.length];
      for (int i = 0; i < v.length; i++) {
        v[i] = labels[rowIndexes[i]];
      }
      return Column.categorical(name, v);
    }
  }

  private static int rows(int[] rowIndexes) {
    int max = 0;
    for (int i : rowIndexes) {
      max = Math.max(max, i + 1);
    }
    return max;
  }

  /** A type problem of one column in one window. */
  record TypeProblem(String column, long count, String example) {}

  WindowBuffer(Profile reference, int expectedRows) {
    Map<String, Boolean> types = new LinkedHashMap<>();
    for (ColumnProfile c : reference.columns()) {
      types.put(c.name(), c.isNumerical());
      columns.put(c.name(), new Col(c.name(), c.isNumerical(), expectedRows, 0));
    }
    this.referenceTypes = types;
  }

  int rows() {
    return rows;
  }

  private Col column(String name, Object firstValue) {
    Col c = columns.get(name);
    if (c == null) {
      Boolean numeric = referenceTypes.get(name);
      c = new Col(name, numeric != null ? numeric : firstValue instanceof Number, rows + 1, rows);
      columns.put(name, c);
    }
    return c;
  }

  /** Adds a row given as a map; absent columns are missing in it. */
  void add(Map<String, ?> row) {
    for (Map.Entry<String, ?> e : row.entrySet()) {
      Object v = e.getValue();
      Col c = columns.get(e.getKey());
      if (c == null) {
        if (v == null) {
          continue;
        }
        c = column(e.getKey(), v);
      }
      c.set(rows, v);
    }
    endRow();
  }

  /** Adds a row given as values in {@code schema} order. */
  void add(String[] schema, Object[] values) {
    for (int i = 0; i < schema.length; i++) {
      Object v = values[i];
      Col c = columns.get(schema[i]);
      if (c == null) {
        if (v == null) {
          continue;
        }
        c = column(schema[i], v);
      }
      c.set(rows, v);
    }
    endRow();
  }

  /** Adds a row of numbers in {@code schema} order (NaN is missing). */
  void add(String[] schema, double[] values) {
    for (int i = 0; i < schema.length; i++) {
      column(schema[i], 0.0).setNumber(rows, values[i]);
    }
    endRow();
  }

  private void endRow() {
    // columns this row did not mention stay missing in it (arrays start as NaN / null)
    rows++;
  }

  /** The window as a table of the columns some row named. */
  Table table() {
    List<Column> out = new ArrayList<>();
    for (Col c : columns.values()) {
      if (c.named) {
        out.add(c.column(rows));
      }
    }
    return Table.of(out);
  }

  /** The rows at {@code rowIndexes} as a table (a segment) of the columns some row of the window named. */
  Table table(int[] rowIndexes) {
    List<Column> out = new ArrayList<>();
    for (Col c : columns.values()) {
      if (c.named) {
        out.add(c.column(rowIndexes));
      }
    }
    return Table.of(out);
  }

  /** Row indexes by value of {@code column} (missing as "null"), in first-seen order. */
  Map<String, int[]> groups(String column) {
    Col c = columns.get(column);
    if (c != null) {
      c.ensure(rows);
    }
    Map<String, List<Integer>> idx = new LinkedHashMap<>();
    for (int i = 0; i < rows; i++) {
      String key;
      if (c == null) {
        key = "null";
      } else if (c.numeric) {
        key = Double.isNaN(c.numbers[i]) ? "null" : Double.toString(c.numbers[i]);
      } else {
        key = String.valueOf(c.labels[i]);
      }
      idx.computeIfAbsent(key, k -> new ArrayList<>()).add(i);
    }
    Map<String, int[]> out = new LinkedHashMap<>();
    idx.forEach((k, v) -> out.put(k, v.stream().mapToInt(Integer::intValue).toArray()));
    return out;
  }

  /** Columns that received values of the wrong type. */
  List<TypeProblem> typeProblems() {
    List<TypeProblem> out = new ArrayList<>();
    for (Col c : columns.values()) {
      if (c.typeErrors > 0) {
        out.add(new TypeProblem(c.name, c.typeErrors, c.example));
      }
    }
    return out;
  }
}
