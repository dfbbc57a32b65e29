package dev.mlops.spark;

import dev.mlops.api.InvalidArgumentException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.ByteType;
import org.apache.spark.sql.types.CharType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.ShortType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.types.VarcharType;
import org.jspecify.annotations.Nullable;

/**
 * Which columns of a schema are profiled, and how each value is read, decided once on the driver
 * from the DataFrame's schema. Numbers (byte to long, float, double, decimal) are read as doubles, as
 * the library reads any {@link Number}; booleans as booleans; strings as strings; null is a missing
 * value. Every other type (dates, timestamps, binary, and nested arrays, maps and structs) is skipped
 * with a reason, or refused. Immutable and serializable: shipped to the executors with the task.
 */
final class ColumnPlan implements Serializable {
  private static final long serialVersionUID = 1L;

  /** How a profiled column's values are read. */
  enum Kind {
    NUMBER,
    BOOLEAN,
    STRING
  }

  final String[] names;
  final int[] indexes;
  final Kind[] kinds;
  final List<SkippedColumn> skipped;

  private ColumnPlan(String[] names, int[] indexes, Kind[] kinds, List<SkippedColumn> skipped) {
    this.names = names;
    this.indexes = indexes;
    this.kinds = kinds;
    this.skipped = List.copyOf(skipped);
  }

  /**
   * The plan for {@code schema}: the {@code selected} columns (every column when empty) in the
   * schema's order.
   *
   * @throws InvalidArgumentException naming the column and the schema's columns for a selected column
   *     the schema lacks; naming the column, its type and why for an unsupported column when
   *     {@code refuseUnsupported}
   */
  static ColumnPlan of(StructType schema, Set<String> selected, boolean refuseUnsupported) {
    return of(schema, selected, Set.of(), refuseUnsupported);
  }

  /** As {@link #of(StructType, Set, boolean)}, leaving out the {@code excluded} columns (a grouping's keys). */
  static ColumnPlan of(StructType schema, Set<String> selected, Set<String> excluded, boolean refuseUnsupported) {
    List<String> known = List.of(schema.fieldNames());
    for (String s : selected) {
      if (!known.contains(s)) {
        throw InvalidArgumentException.of("column", s, "is not in the DataFrame; its columns are " + known);
      }
    }
    List<String> names = new ArrayList<>();
    List<Integer> indexes = new ArrayList<>();
    List<Kind> kinds = new ArrayList<>();
    List<SkippedColumn> skipped = new ArrayList<>();
    StructField[] fields = schema.fields();
    for (int i = 0; i < fields.length; i++) {
      StructField f = fields[i];
      if (!selected.isEmpty() && !selected.contains(f.name()) || excluded.contains(f.name())) {
        continue;
      }
      if (names.contains(f.name())) {
        throw InvalidArgumentException.of("column", f.name(), "appears twice in the DataFrame; a profile names each column once (rename one)");
      }
      Kind kind = kind(f.dataType());
      if (kind == null) {
        SkippedColumn s = new SkippedColumn(f.name(), f.dataType().simpleString(), reason(f.dataType()));
        if (refuseUnsupported) {
          throw InvalidArgumentException.of("column " + f.name(), s.type(), s.reason());
        }
        skipped.add(s);
        continue;
      }
      names.add(f.name());
      indexes.add(i);
      kinds.add(kind);
    }
    return new ColumnPlan(names.toArray(String[]::new), indexes.stream().mapToInt(Integer::intValue).toArray(), kinds.toArray(Kind[]::new),
        skipped);
  }

  private static @Nullable Kind kind(DataType t) {
    if (t instanceof ByteType || t instanceof ShortType || t instanceof IntegerType || t instanceof LongType || t instanceof FloatType
        || t instanceof DoubleType || t instanceof DecimalType) {
      return Kind.NUMBER;
    }
    if (t instanceof BooleanType) {
      return Kind.BOOLEAN;
    }
    if (t instanceof StringType || t instanceof VarcharType || t instanceof CharType) {
      return Kind.STRING;
    }
    return null;
  }

  private static String reason(DataType t) {
    String type = t.typeName();
    return switch (type) {
      case "array", "map", "struct" -> "nested columns are not profiled: explode or select their fields into columns of their own";
      case "date", "timestamp", "timestamp_ntz" -> "dates and times are not profiled: cast to a number (for example unix_timestamp) or to a string";
      case "binary" -> "binary columns are not profiled: derive a number (length) or a string (a hash) from them";
      default -> "the library profiles numbers, booleans and strings only: cast it to one of them";
    };
  }
}
