package dev.mlops.spark;

import dev.mlops.monitoring.profile.ColumnProfile;
import dev.mlops.monitoring.profile.Profile;
import dev.mlops.monitoring.quality.QualityCounts;
import java.io.Serializable;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * What one pass counts of some rows, mergeable: their profile (stored form), the counts of the
 * built-in quality checks per column ({@link QualityCounts}) and the duplicate rows. The distinct
 * present values of a column are kept exactly up to {@link #MAX_DISTINCT} per column; beyond, the
 * merged profile's HyperLogLog estimate stands in (the not-constant check's verdict needs only "one or
 * more than one"). Not thread-safe; serializable, shipped from the executors.
 */
final class QualityTally implements Serializable {
  private static final long serialVersionUID = 1L;
  static final int MAX_DISTINCT = 100_000;

  byte[] profile;
  long rows;
  long duplicates;
  final long[] size;
  final long[] missing;
  final long[] presentNumbers;
  final long[] outOfRange;
  final long[] presentLabels;
  final List<TreeMap<String, Long>> unseen;
  final List<@Nullable HashSet<Object>> distinct;

  QualityTally(int columns, byte[] profile) {
    this.profile = profile;
    size = new long[columns];
    missing = new long[columns];
    presentNumbers = new long[columns];
    outOfRange = new long[columns];
    presentLabels = new long[columns];
    unseen = new java.util.ArrayList<>();
    distinct = new java.util.ArrayList<>();
    for (int c = 0; c < columns; c++) {
      unseen.add(new TreeMap<>());
      distinct.add(new HashSet<>());
    }
  }

  /** Notes a present value (a number as a Double with -0.0 as 0.0, a label as a String) of column {@code c}. */
  void distinct(int c, Object value) {
    Set<Object> s = distinct.get(c);
    if (s != null && s.add(value) && s.size() > MAX_DISTINCT) {
      distinct.set(c, null);
    }
  }

  /** This tally with {@code other}'s added; returns this. */
  QualityTally merge(QualityTally other) {
    profile = Profile.mergeAll(List.of(Profile.fromBytes(profile), Profile.fromBytes(other.profile))).toBytes();
    rows += other.rows;
    duplicates += other.duplicates;
    for (int c = 0; c < size.length; c++) {
      size[c] += other.size[c];
      missing[c] += other.missing[c];
      presentNumbers[c] += other.presentNumbers[c];
      outOfRange[c] += other.outOfRange[c];
      presentLabels[c] += other.presentLabels[c];
      TreeMap<String, Long> u = unseen.get(c);
      other.unseen.get(c).forEach((k, v) -> u.merge(k, v, Long::sum));
      HashSet<Object> mine = distinct.get(c);
      HashSet<Object> theirs = other.distinct.get(c);
      if (mine == null || theirs == null) {
        distinct.set(c, null);
      } else {
        for (Object o : theirs) {
          distinct(c, o);
        }
      }
    }
    return this;
  }

  /** The counts the built-in checks read, the columns in the plan's order. */
  QualityCounts counts(ColumnPlan plan) {
    Profile p = Profile.fromBytes(profile);
    Map<String, QualityCounts.ColumnCounts> out = new LinkedHashMap<>();
    for (int c = 0; c < size.length; c++) {
      HashSet<Object> d = distinct.get(c);
      ColumnProfile col = p.column(plan.names[c]);
      long distinctPresent = d != null ? d.size() : Math.round(col.distinctEstimate());
      out.put(plan.names[c], new QualityCounts.ColumnCounts(plan.kinds[c] == ColumnPlan.Kind.NUMBER, size[c], missing[c], presentNumbers[c],
          outOfRange[c], presentLabels[c], unseen.get(c), distinctPresent));
    }
    return new QualityCounts(rows, duplicates, out);
  }
}
