package dev.mlops.monitoring.quality;

import dev.mlops.api.internal.Validation;
import dev.mlops.monitoring.data.Column;
import dev.mlops.monitoring.data.Table;
import dev.mlops.monitoring.profile.ColumnProfile;
import dev.mlops.monitoring.profile.Profile;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Everything the built-in checks of {@link DataQuality} read of the current rows, counted against a
 * reference: the checks' verdicts and messages are computed from these counts alone
 * ({@link DataQuality#check(Profile, QualityCounts)}), so whoever can count them (one JVM from a
 * {@link Table} with {@link #of}, or a distributed job that counts per partition and adds up) gets the
 * report the library makes from the rows themselves.
 *
 * @param rows current rows
 * @param duplicateRows rows equal in every column to an earlier row ({@link DataQuality#duplicateRows(Table)})
 * @param columns the current columns' counts by name, in the current data's column order (immutable)
 */
public record QualityCounts(long rows, long duplicateRows, Map<String, ColumnCounts> columns) {
  /** Copies the map, keeping its order; it is immutable. */
  public QualityCounts {
    Validation.notNull("columns", columns);
    columns = Collections.unmodifiableMap(new LinkedHashMap<>(columns));
  }

  /**
   * One current column's counts.
   *
   * @param numerical whether the current column is numerical (else categorical)
   * @param size values, missing ones included
   * @param missing missing values (null; for numbers also NaN and ±Inf), as {@link Column#missing()}
   * @param presentNumbers present numbers (0 for a categorical column)
   * @param outOfRange present numbers outside the reference column's [min, max] (0 unless both sides are numerical)
   * @param presentLabels present values read as labels ({@link Column#presentLabels()})
   * @param unseen counts of the present labels in categories the reference column's frequent items
   *     lack, by label in natural order (empty unless the reference column is categorical); immutable
   * @param distinctPresent distinct present values, numbers compared as numbers ({@link Column#distinctPresent()})
   */
  public record ColumnCounts(boolean numerical, long size, long missing, long presentNumbers, long outOfRange, long presentLabels,
      SortedMap<String, Long> unseen, long distinctPresent) {
    /** Copies the map; it is immutable. */
    public ColumnCounts {
      unseen = Collections.unmodifiableSortedMap(new TreeMap<>(unseen));
    }

    /** The present values in categories the reference lacks. */
    public long unseenValues() {
      return unseen.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  /** The counts of {@code current} against {@code reference}: what {@link DataQuality#check(Profile, Table)} reads. */
  public static QualityCounts of(Profile reference, Table current) {
    Map<String, ColumnCounts> out = new LinkedHashMap<>();
    for (Column cur : current.columns().values()) {
      out.put(cur.name(), column(reference, cur));
    }
    return new QualityCounts(current.rows(), DataQuality.duplicateRows(current), out);
  }

  private static ColumnCounts column(Profile reference, Column cur) {
    boolean numerical = cur.type() == Column.Type.NUMERICAL;
    ColumnProfile ref = reference.columns().stream().filter(c -> c.name().equals(cur.name())).findFirst().orElse(null);
    double[] present = numerical ? cur.presentNumbers() : new double[0];
    long outside = 0;
    SortedMap<String, Long> unseen = new TreeMap<>();
    if (ref != null && ref.isNumerical() && numerical) {
      for (double x : present) {
        if (x < ref.min() || x > ref.max()) {
          outside++;
        }
      }
    } else if (ref != null && !ref.isNumerical()) {
      Set<String> known = ref.frequentItems().keySet();
      for (String s : cur.presentLabels()) {
        if (!known.contains(s)) {
          unseen.merge(s, 1L, Long::sum);
        }
      }
    }
    return new ColumnCounts(numerical, cur.size(), cur.missing(), present.length, outside, cur.size() - cur.missing(), unseen,
        cur.distinctPresent());
  }
}
