package dev.mlops.monitoring;

import dev.mlops.monitoring.data.Column;
import dev.mlops.monitoring.data.Table;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.DoubleUnaryOperator;

/**
 * scikit-learn's bundled tables as test resources ({@code src/test/resources/datasets}, written once
 * by {@code export_sklearn.py} beside them), each with its label column {@code target}, and random
 * splits of their rows into a reference and windows, as a service meets them.
 */
public final class Datasets {
  /** The exported tables. */
  public static final List<String> NAMES = List.of("breast_cancer", "wine", "diabetes", "iris");
  /** The label column of every table. */
  public static final String LABEL = "target";

  private Datasets() {}

  /** The whole table, its label included (iris's label is categorical, the others numerical). */
  public static Table load(String name) {
    try {
      Path file = Path.of(Datasets.class.getResource("/datasets/" + name + ".csv").toURI());
      return Table.readCsv(file, Set.of());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The table's rows in a random order (by {@code seed}): the first {@code referenceShare} of them
   * as the reference, the rest cut into windows of {@code windowRows} rows (a shorter last part is
   * left out).
   */
  public static Split split(Table table, long seed, double referenceShare, int windowRows) {
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < table.rows(); i++) {
      order.add(i);
    }
    Collections.shuffle(order, new Random(seed));
    int cut = (int) Math.round(table.rows() * referenceShare);
    List<Table> windows = new ArrayList<>();
    for (int start = cut; start + windowRows <= table.rows(); start += windowRows) {
      windows.add(rows(table, order.subList(start, start + windowRows)));
    }
    return new Split(rows(table, order.subList(0, cut)), windows);
  }

  /** The rows at {@code indexes}, in that order. */
  public static Table rows(Table t, List<Integer> indexes) {
    List<Column> out = new ArrayList<>();
    for (Column c : t.columns().values()) {
      if (c.type() == Column.Type.NUMERICAL) {
        double[] all = c.numbers();
        double[] v = new double[indexes.size()];
        for (int i = 0; i < v.length; i++) {
          v[i] = all[indexes.get(i)];
        }
        out.add(Column.numerical(c.name(), v));
      } else {
        String[] all = c.categories();
        String[] v = new String[indexes.size()];
        for (int i = 0; i < v.length; i++) {
          v[i] = all[indexes.get(i)];
        }
        out.add(Column.categorical(c.name(), v));
      }
    }
    return Table.of(out);
  }

  /** The table without {@code column}. */
  public static Table without(Table t, String column) {
    List<Column> out = new ArrayList<>(t.columns().values());
    out.removeIf(c -> c.name().equals(column));
    return Table.of(out);
  }

  /** The table with {@code column}'s numbers changed by {@code change} (a shift, a scale). */
  public static Table changed(Table t, String column, DoubleUnaryOperator change) {
    List<Column> out = new ArrayList<>();
    for (Column c : t.columns().values()) {
      if (c.name().equals(column)) {
        double[] v = c.numbers();
        for (int i = 0; i < v.length; i++) {
          v[i] = change.applyAsDouble(v[i]);
        }
        out.add(Column.numerical(column, v));
      } else {
        out.add(c);
      }
    }
    return Table.of(out);
  }

  /** The table's rows as maps, as a service logs them (missing values absent from the map). */
  public static List<Map<String, Object>> asRows(Table t) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (int r = 0; r < t.rows(); r++) {
      out.add(new HashMap<>());
    }
    for (Column c : t.columns().values()) {
      double[] n = c.numbers();
      String[] s = c.categories();
      for (int r = 0; r < t.rows(); r++) {
        if (n != null && !Double.isNaN(n[r])) {
          out.get(r).put(c.name(), n[r]);
        } else if (s != null && s[r] != null) {
          out.get(r).put(c.name(), s[r]);
        }
      }
    }
    return out;
  }

  /** Every column's name but the label's, in order. */
  public static List<String> features(Table t) {
    return t.columns().keySet().stream().filter(c -> !c.equals(LABEL)).toList();
  }

  /**
   * A random split.
   *
   * @param reference the reference rows
   * @param windows the other rows, window by window
   */
  public record Split(Table reference, List<Table> windows) {}
}
