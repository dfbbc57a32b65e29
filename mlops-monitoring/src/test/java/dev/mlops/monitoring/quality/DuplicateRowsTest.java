package dev.mlops.monitoring.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mlops.monitoring.data.Column;
import dev.mlops.monitoring.data.Table;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@link DataQuality#duplicateRows} (one hash per row over the values' bits, no boxing) against
 * the plain definition it replaced: each row as a list of boxed values in a hash set, counting the
 * rows the set already held.
 */
class DuplicateRowsTest {
  /** The definition: rows as lists of boxed values ({@code Double.equals}: bits; strings by equals; nulls equal). */
  private static long byBoxedRows(Table t) {
    List<Column> cols = new ArrayList<>(t.columns().values());
    Set<List<Object>> seen = new HashSet<>();
    long dups = 0;
    for (int r = 0; r < t.rows(); r++) {
      List<Object> key = new ArrayList<>();
      for (Column c : cols) {
        double[] n = c.numbers();
        key.add(n != null ? (Object) n[r] : c.categories()[r]);
      }
      if (!seen.add(key)) {
        dups++;
      }
    }
    return dups;
  }

  @Test
  void countsWhatBoxedRowsInAHashSetCountOnRandomTablesWithTiesMissingValuesAndSignedZeros() {
    Random random = new Random(23);
    double[] pool = {0.0, -0.0, Double.NaN, 1.5, -1.5, Double.POSITIVE_INFINITY, 2.0};
    String[] labels = {"a", "b", null, "A", ""};
    for (int trial = 0; trial < 200; trial++) {
      int rows = random.nextInt(300);
      int numeric = 1 + random.nextInt(3);
      int categorical = random.nextInt(3);
      List<Column> cols = new ArrayList<>();
      for (int c = 0; c < numeric; c++) {
        double[] v = new double[rows];
        for (int r = 0; r < rows; r++) {
          v[r] = random.nextInt(4) == 0 ? random.nextGaussian() : pool[random.nextInt(pool.length)];
        }
        cols.add(Column.numerical("x" + c, v));
      }
      for (int c = 0; c < categorical; c++) {
        String[] v = new String[rows];
        for (int r = 0; r < rows; r++) {
          v[r] = labels[random.nextInt(labels.length)];
        }
        cols.add(Column.categorical("c" + c, v));
      }
      Table t = Table.of(cols);
      assertEquals(byBoxedRows(t), DataQuality.duplicateRows(t), "trial " + trial + ", " + rows + " rows");
    }
  }

  @Test
  void signedZerosAndNaNsCountAsBoxedDoublesDo() {
    // Double.equals: NaN equals NaN, 0.0 differs from -0.0
    Table t = Table.of(List.of(Column.numerical("x", new double[] {0.0, -0.0, Double.NaN, Double.NaN, 0.0})));
    assertEquals(2, DataQuality.duplicateRows(t));
    assertEquals(0, DataQuality.duplicateRows(Table.of(List.of(Column.numerical("x", new double[0])))));
  }
}
