package dev.mlops.monitoring.quality;

import dev.mlops.api.InvalidArgumentException;
import dev.mlops.api.internal.Validation;
import dev.mlops.monitoring.data.Column;
import dev.mlops.monitoring.data.Table;
import dev.mlops.monitoring.stats.Binned;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * A declarative data-quality constraint in the spirit of Deequ, evaluated on a table; each result
 * carries the observed value.
 *
 * <pre>{@code
 * List<Check> checks = List.of(
 *     Check.completeness("email", 0.95),
 *     Check.unique("order_id"),
 *     Check.containedIn("currency", Set.of("EUR", "USD")),
 *     Check.range("age", 0, 120),
 *     Check.quantileBetween("amount", 0.5, 10, 200));
 * }</pre>
 */
@FunctionalInterface
public interface Check {
  /** Evaluates the check. */
  CheckResult evaluate(Table table);

  private static String f(double v) {
    return dev.mlops.api.internal.Numbers.compact(v);
  }

  /** At least {@code min} of the column's values are present (not null, NaN or infinite). */
  static Check completeness(String column, double min) {
    Validation.notNull("column", column);
    if (!(min >= 0 && min <= 1)) {
      throw InvalidArgumentException.of("completeness", min, "must be between 0 and 1");
    }
    return t -> {
      Column c = t.column(column);
      double share = c.size() == 0 ? 1 : 1 - (double) c.missing() / c.size();
      return new CheckResult("completeness", column, share >= min, f(share), ">= " + f(min));
    };
  }

  /** No present value occurs twice. */
  static Check unique(String column) {
    Validation.notNull("column", column);
    return t -> {
      List<String> values = t.column(column).presentLabels();
      long duplicates = values.size() - new HashSet<>(values).size();
      return new CheckResult("unique", column, duplicates == 0, duplicates + " duplicate values", "0 duplicate values");
    };
  }

  /** Every present value is one of {@code allowed}. */
  static Check containedIn(String column, Set<String> allowed) {
    Validation.notNull("column", column);
    Set<String> set = Set.copyOf(allowed);
    return t -> {
      TreeSet<String> outside = new TreeSet<>();
      for (String v : t.column(column).presentLabels()) {
        if (!set.contains(v)) {
          outside.add(v);
        }
      }
      return new CheckResult("contained_in", column, outside.isEmpty(), outside.isEmpty() ? "all allowed" : "not allowed: " + outside,
          "in " + new TreeSet<>(set));
    };
  }

  /** Every present number lies in [min, max]. */
  static Check range(String column, double min, double max) {
    Validation.notNull("column", column);
    return t -> {
      double[] v = t.column(column).presentNumbers();
      long out = Arrays.stream(v).filter(x -> x < min || x > max).count();
      return new CheckResult("range", column, out == 0, out + " values outside", "in [" + f(min) + ", " + f(max) + "]");
    };
  }

  /** The q-quantile of the present numbers lies in [low, high]. */
  static Check quantileBetween(String column, double q, double low, double high) {
    Validation.notNull("column", column);
    if (!(q >= 0 && q <= 1)) {
      throw InvalidArgumentException.of("quantile", q, "must be between 0 and 1");
    }
    return t -> {
      double[] v = t.column(column).presentNumbers();
      if (v.length == 0) {
        return new CheckResult("quantile " + q, column, false, "no values", "in [" + f(low) + ", " + f(high) + "]");
      }
      Arrays.sort(v);
      double x = Binned.quantile(v, q);
      return new CheckResult("quantile " + q, column, x >= low && x <= high, f(x), "in [" + f(low) + ", " + f(high) + "]");
    };
  }
}
