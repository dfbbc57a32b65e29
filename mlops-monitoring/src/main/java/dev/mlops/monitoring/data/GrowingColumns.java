package dev.mlops.monitoring.data;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The CSV reader's columns as they are read: growing arrays, one per column, of numbers or of shared
 * strings. Not thread-safe: one reader fills it.
 */
final class GrowingColumns {
  CsvColumns.Census[] census = new CsvColumns.Census[0];
  double[][] numbers = new double[0][];
  String[][] labels = new String[0][];
  /** Per column: the row its strings start at, -1 while it holds numbers only. */
  int[] labelsFrom = new int[0];
  int capacity = 1024;
  int rows;
  private final Map<String, String> shared = new HashMap<>();

  void start(int columns) {
    census = new CsvColumns.Census[columns];
    numbers = new double[columns][];
    labels = new String[columns][];
    labelsFrom = new int[columns];
    Arrays.fill(labelsFrom, -1);
  }

  /** Scratch for the number a cell parses to. */
  final double[] parsed = new double[1];

  String shared(char[] buf, int off, int len) {
    String cell = new String(buf, off, len);
    String known = shared.putIfAbsent(cell, cell);
    return known != null ? known : cell;
  }

  void endRow() {
    if (++rows < capacity) {
      return;
    }
    capacity = (int) Math.min(Integer.MAX_VALUE - 8, capacity * 2L);
    for (int c = 0; c < census.length; c++) {
      if (numbers[c] != null) {
        numbers[c] = Arrays.copyOf(numbers[c], capacity);
      }
      if (labels[c] != null) {
        labels[c] = Arrays.copyOf(labels[c], capacity);
      }
    }
  }
}
