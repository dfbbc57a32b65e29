package dev.mlops.spark;

import dev.mlops.api.InvalidArgumentException;
import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.types.TimestampNTZType;
import org.apache.spark.sql.types.TimestampType;
import org.jspecify.annotations.Nullable;

/**
 * How {@link SparkProfiler#profileGroups} splits rows into groups: by the values of some columns, or
 * by the time bucket a timestamp column falls in. A group's key is a list: the group columns' values
 * in the order given (as Spark gives them: {@code String}, {@code Integer}, {@code Long},
 * {@code Double}, {@code Boolean}, {@code BigDecimal}, ...; null for a null value), or the one
 * {@link Instant} at which the row's bucket starts (buckets are aligned to the epoch, in UTC; null for
 * a null timestamp; a {@code timestamp_ntz} is read as UTC). Immutable and serializable.
 */
public final class Grouping implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String[] columns;
  private final long bucketMillis;

  private Grouping(String[] columns, long bucketMillis) {
    this.columns = columns;
    this.bucketMillis = bucketMillis;
  }

  /**
   * One group per distinct combination of these columns' values; the columns are not profiled.
   *
   * @throws InvalidArgumentException if no column is named, or a name is null, blank or repeated
   */
  public static Grouping by(String... columns) {
    Arguments.notNull("group columns", columns);
    if (columns.length == 0) {
      throw InvalidArgumentException.of("group columns", "[]", "must name at least one column");
    }
    for (String c : columns) {
      if (c == null || c.isBlank()) {
        throw InvalidArgumentException.of("group columns", Arrays.toString(columns), "must name columns (not null or blank)");
      }
    }
    if (new java.util.HashSet<>(Arrays.asList(columns)).size() < columns.length) {
      throw InvalidArgumentException.of("group columns", Arrays.toString(columns), "names a column twice");
    }
    return new Grouping(columns.clone(), 0);
  }

  /**
   * One group per bucket of {@code width} that the timestamp {@code column} falls in.
   *
   * @throws InvalidArgumentException if the column is null or blank, or the width is null or under a millisecond
   */
  public static Grouping timeBuckets(String column, Duration width) {
    if (column == null || column.isBlank()) {
      throw InvalidArgumentException.of("time column", column, "must name a column (not null or blank)");
    }
    Arguments.notNull("bucket width", width);
    if (width.toMillis() < 1) {
      throw InvalidArgumentException.of("bucket width", width, "must be at least 1 ms");
    }
    return new Grouping(new String[] {column}, width.toMillis());
  }

  /** The columns the grouping reads. */
  List<String> columns() {
    return List.of(columns);
  }

  /** The schema's indexes of the grouping's columns, checked: present, and a timestamp for time buckets. */
  int[] indexes(StructType schema) {
    List<String> known = List.of(schema.fieldNames());
    int[] out = new int[columns.length];
    for (int i = 0; i < columns.length; i++) {
      if (!known.contains(columns[i])) {
        throw InvalidArgumentException.of("group column", columns[i], "is not in the DataFrame; its columns are " + known);
      }
      out[i] = schema.fieldIndex(columns[i]);
      var type = schema.fields()[out[i]].dataType();
      if (bucketMillis > 0 && !(type instanceof TimestampType || type instanceof TimestampNTZType)) {
        throw InvalidArgumentException.of("time column " + columns[i], type.simpleString(), "must be a timestamp to be cut into time buckets");
      }
    }
    return out;
  }

  /** The group key of {@code row}. */
  List<@Nullable Object> key(Row row, int[] indexes) {
    if (bucketMillis == 0) {
      Object[] key = new Object[indexes.length];
      for (int i = 0; i < key.length; i++) {
        key[i] = row.isNullAt(indexes[i]) ? null : row.get(indexes[i]);
      }
      return Arrays.asList(key);
    }
    Object t = row.isNullAt(indexes[0]) ? null : row.get(indexes[0]);
    Instant at = t instanceof java.sql.Timestamp ts ? ts.toInstant() : t instanceof LocalDateTime l ? l.toInstant(ZoneOffset.UTC) : (Instant) t;
    return Arrays.asList(at == null ? null : Instant.ofEpochMilli(Math.floorDiv(at.toEpochMilli(), bucketMillis) * bucketMillis));
  }
}
