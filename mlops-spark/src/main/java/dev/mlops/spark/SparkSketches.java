package dev.mlops.spark;

import dev.mlops.api.InvalidArgumentException;
import dev.mlops.monitoring.profile.ColumnProfile;
import dev.mlops.monitoring.profile.ExternalSketches;
import dev.mlops.monitoring.profile.Profile;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.jspecify.annotations.Nullable;

/**
 * Reads the sketches Spark's own aggregate functions make (Spark 4.1 and later) into the library's
 * {@link Profile}, so the library's drift and quality checks run on sketches a Spark job computed
 * without this module: {@code kll_sketch_agg_double(x)} (a serialized DataSketches
 * {@code KllDoublesSketch}) as a numerical column's quantile sketch, and
 * {@code approx_top_k_accumulate(s)} of a string column (a struct whose {@code sketch} field is a
 * DataSketches {@code ItemsSketch<String>} followed by Spark's count of nulls) as a categorical
 * column's frequent items. Each sketch column is named as the profile's column (alias the aggregate:
 * {@code kll_sketch_agg_double(col("amount")).as("amount")}).
 *
 * <pre>{@code
 * Row day = spark.table("payments").agg(count(lit(1)).as("rows"),
 *     kll_sketch_agg_double(col("amount")).as("amount"), avg(col("amount")).as("amount_mean"), var_pop(col("amount")).as("amount_var"),
 *     approx_top_k_accumulate(col("channel")).as("channel")).first();
 * Profile profile = SparkSketches.newBuilder().rows("rows").quantiles("amount", "amount_mean", "amount_var")
 *     .frequentItems("channel").build().read(day);
 * }</pre>
 *
 * <p>What each column's profile takes from where is {@link ExternalSketches}': a quantile sketch
 * gives the count of numbers, min, max and quantiles (within its rank error: about 1.65% at Spark's
 * default {@code k} of 200, against 0.7% for the library's own sketches); the missing values are the
 * rows less the sketch's count (Spark's sketch skips nulls and NaN alike, so both are counted as
 * nulls); the mean and variance come from columns of Spark's {@code avg} and {@code var_pop} of the
 * same values if given, else they are unknown (NaN) and such a reference column is left untested by
 * drift. Spark's sketch keeps infinities, which the library counts apart: a sketch holding one is
 * refused. A string column's frequent items, its count of strings and of nulls are Spark's.
 *
 * <p>Not readable, and why: {@code kll_sketch_agg_float} sketches (4-byte items, refused by their
 * size: sketch {@code col.cast("double")} instead) and {@code kll_sketch_agg_bigint} sketches, whose
 * 8-byte items cannot be told apart from doubles by their bytes (they would read as nonsense: sketch
 * integers cast to double); {@code approx_top_k_accumulate} of numbers, booleans, dates or decimals
 * (the library profiles numbers with quantile sketches and keeps its frequent items as strings: cast
 * such a column to string first). Over a string column of another collation than the default, Spark
 * sketches the collation keys (lowercased strings for {@code UTF8_LCASE}) and its result does not
 * name the collation, so such a sketch reads as those keys.
 *
 * <p>Immutable and thread-safe. Reading collects the sketch rows to the driver (a sketch is kilobytes).
 */
public final class SparkSketches {
  private final @Nullable String rows;
  private final Map<String, String[]> quantiles;
  private final List<String> frequentItems;

  private SparkSketches(Builder b) {
    this.rows = b.rows;
    this.quantiles = Collections.unmodifiableMap(new LinkedHashMap<>(b.quantiles));
    this.frequentItems = List.copyOf(b.frequentItems);
  }

  /** A builder with no columns. */
  public static Builder newBuilder() {
    return new Builder();
  }

  /**
   * The profile of one row of sketches (the result of {@code agg(...)} without grouping, or one group's row).
   *
   * @throws InvalidArgumentException if a named column is absent from the row or of another type
   *     than its aggregate makes, or a value is null or not a sketch of that kind, as
   *     {@link ExternalSketches} states, or a sketch counts more values than the row's rows
   */
  public Profile read(Row row) {
    Arguments.notNull("row", row);
    StructType schema = row.schema();
    if (schema == null) {
      throw InvalidArgumentException.of("row", row, "must carry its schema (a row of a DataFrame)");
    }
    requireSchema(schema);
    return profile(row);
  }

  /**
   * The profile of every row of {@code sketches} merged: for example a table of daily sketches read as one profile.
   *
   * @throws InvalidArgumentException as {@link #read(Row)}, before any row is read if a column is absent or of another type
   */
  public Profile read(Dataset<Row> sketches) {
    Arguments.notNull("sketches", sketches);
    requireSchema(sketches.schema());
    List<Profile> parts = new ArrayList<>();
    for (Row r : sketches.collectAsList()) {
      parts.add(profile(r));
    }
    return parts.isEmpty() ? Profile.of(0, List.of()) : Profile.mergeAll(parts);
  }

  /**
   * One profile per value of the key columns of {@code sketches} (the result of
   * {@code groupBy(keys...).agg(...)}), rows with the same key merged. A key is the key columns'
   * values in the order given, as Spark gives them (null for a null value).
   *
   * @return the profiles by key, in no particular order (immutable)
   * @throws InvalidArgumentException as {@link #read(Dataset)}, or if no key column is named, or one
   *     is absent or is also a sketch column
   */
  public Map<List<@Nullable Object>, Profile> readGroups(Dataset<Row> sketches, String... keys) {
    Arguments.notNull("sketches", sketches);
    Arguments.notNull("keys", keys);
    if (keys.length == 0) {
      throw InvalidArgumentException.of("keys", "[]", "must name at least one key column");
    }
    StructType schema = sketches.schema();
    requireSchema(schema);
    for (String k : keys) {
      field(schema, "keys", k);
      if (quantiles.containsKey(k) || frequentItems.contains(k) || k.equals(rows)) {
        throw InvalidArgumentException.of("keys", k, "is a column of sketches or counts, not a key");
      }
    }
    Map<List<@Nullable Object>, List<Profile>> parts = new HashMap<>();
    for (Row r : sketches.collectAsList()) {
      @Nullable Object[] key = new Object[keys.length];
      for (int i = 0; i < keys.length; i++) {
        key[i] = r.get(r.fieldIndex(keys[i]));
      }
      parts.computeIfAbsent(Collections.unmodifiableList(Arrays.asList(key)), k -> new ArrayList<>()).add(profile(r));
    }
    Map<List<@Nullable Object>, Profile> out = new HashMap<>();
    parts.forEach((k, v) -> out.put(k, Profile.mergeAll(v)));
    return Collections.unmodifiableMap(out);
  }

  private void requireSchema(StructType schema) {
    if (rows != null) {
      requireType(field(schema, "rows", rows), DataTypes.LongType, "must be a count (BIGINT), such as count(lit(1))");
    }
    quantiles.forEach((name, moments) -> {
      requireType(field(schema, "quantiles", name), DataTypes.BinaryType, "must hold kll_sketch_agg_double's BINARY sketches");
      if (moments != null) {
        requireType(field(schema, "mean of " + name, moments[0]), DataTypes.DoubleType, "must be a DOUBLE, such as avg(" + name + ")");
        requireType(field(schema, "variance of " + name, moments[1]), DataTypes.DoubleType, "must be a DOUBLE, such as var_pop(" + name + ")");
      }
    });
    for (String name : frequentItems) {
      StructField f = field(schema, "frequentItems", name);
      if (!(f.dataType() instanceof StructType s) || !Arrays.asList(s.fieldNames()).containsAll(List.of("sketch", "itemDataType"))
          || !DataTypes.BinaryType.equals(s.apply("sketch").dataType())) {
        throw InvalidArgumentException.of("column '" + name + "'", f.dataType().simpleString(),
            "must hold approx_top_k_accumulate's structs (a BINARY sketch, maxItemsTracked, itemDataType, itemDataTypeDDL)");
      }
      DataType items = s.apply("itemDataType").dataType();
      if (!DataTypes.StringType.equals(items)) {
        throw InvalidArgumentException.of("column '" + name + "'", "sketch of " + items.simpleString() + " items",
            "must sketch strings: the library keeps frequent items as strings and profiles numbers "
                + "with quantile sketches (cast the column to string, or use kll_sketch_agg_double for numbers)");
      }
    }
  }

  private static StructField field(StructType schema, String option, String name) {
    int i = Arrays.asList(schema.fieldNames()).indexOf(name);
    if (i < 0) {
      throw InvalidArgumentException.of(option, name, "is not a column of the sketches; they have " + Arrays.toString(schema.fieldNames()));
    }
    return schema.fields()[i];
  }

  private static void requireType(StructField f, DataType type, String rule) {
    if (!type.equals(f.dataType())) {
      throw InvalidArgumentException.of("column '" + f.name() + "'", f.dataType().simpleString(), rule);
    }
  }

  private Profile profile(Row r) {
    List<ColumnProfile> columns = new ArrayList<>();
    long known = -1;
    for (String name : frequentItems) {
      byte[] sketch = (byte[]) notNull(name, ((Row) notNull(name, r.get(r.fieldIndex(name)))).getAs("sketch"));
      if (sketch.length < Long.BYTES) {
        throw InvalidArgumentException.of("sketch of column '" + name + "'", sketch.length + " bytes",
            "must be an approx_top_k_accumulate sketch: a frequent-items sketch followed by an 8-byte count of nulls");
      }
      long nulls = ByteBuffer.wrap(sketch).getLong(sketch.length - Long.BYTES);
      ColumnProfile c = ExternalSketches.frequentItems(name, Arrays.copyOf(sketch, sketch.length - Long.BYTES), nulls);
      known = requireRows(known, c.count(), name);
      columns.add(c);
    }
    long total = rows != null ? (Long) notNull(rows, r.get(r.fieldIndex(rows))) : known;
    if (rows != null && known >= 0 && known != total) {
      throw InvalidArgumentException.of("column '" + rows + "'", total, "must count the rows the sketches were made of; "
          + "approx_top_k_accumulate's sketches count " + known + " values and nulls");
    }
    for (Map.Entry<String, String[]> q : quantiles.entrySet()) {
      String name = q.getKey();
      byte[] sketch = (byte[]) notNull(name, r.get(r.fieldIndex(name)));
      double mean = Double.NaN;
      double variance = Double.NaN;
      if (q.getValue() != null) {
        Object m = r.get(r.fieldIndex(q.getValue()[0]));
        Object v = r.get(r.fieldIndex(q.getValue()[1]));
        // Spark's avg and var_pop are null over no values: unknown, as without the columns
        mean = m == null || v == null ? Double.NaN : (Double) m;
        variance = m == null || v == null ? Double.NaN : (Double) v;
      }
      ColumnProfile counted = ExternalSketches.quantiles(name, sketch, 0, mean, variance);
      if (counted.count() > total) {
        throw InvalidArgumentException.of("sketch of column '" + name + "'", counted.count() + " values",
            "must not count more values than the rows (" + total + "): the row count and the sketches must come from the same aggregation");
      }
      columns.add(ExternalSketches.quantiles(name, sketch, total - counted.count(), mean, variance));
    }
    // the profile's columns in the order of the sketches' columns
    columns.sort(java.util.Comparator.comparingInt(c -> r.fieldIndex(c.name())));
    return Profile.of(total, columns);
  }

  private static long requireRows(long known, long count, String column) {
    if (known >= 0 && known != count) {
      throw InvalidArgumentException.of("sketch of column '" + column + "'", count + " values and nulls",
          "must count the same rows as the other approx_top_k_accumulate sketches (" + known + ")");
    }
    return count;
  }

  private static Object notNull(String column, @Nullable Object value) {
    if (value == null) {
      throw InvalidArgumentException.of("column '" + column + "'", "null",
          "must hold a value in every row (Spark's sketch aggregates and count never return null; a null comes from a join or a union with other rows)");
    }
    return value;
  }

  /** The columns of a {@link SparkSketches}; each setter checks its argument at once. Not thread-safe; {@link #build()} may be called again. */
  public static final class Builder {
    private @Nullable String rows;
    private final Map<String, String[]> quantiles = new LinkedHashMap<>();
    private final List<String> frequentItems = new ArrayList<>();

    private Builder() {}

    /**
     * The column counting the rows the sketches were made of ({@code count(lit(1))} in the same
     * aggregation): the profile's rows, and the missing values of each quantile-sketch column
     * (the rows its sketch did not count). Needed unless a {@link #frequentItems} column counts the rows.
     *
     * @throws InvalidArgumentException if the name is null or blank
     */
    public Builder rows(String column) {
      this.rows = name("rows", column);
      return this;
    }

    /**
     * A column of {@code kll_sketch_agg_double} sketches, named as the profile's column; its mean
     * and variance are unknown.
     *
     * @throws InvalidArgumentException if the name is null, blank or already given
     */
    public Builder quantiles(String column) {
      return addQuantiles(column, null);
    }

    /**
     * A column of {@code kll_sketch_agg_double} sketches with the mean and population variance of
     * the same values in two other columns ({@code avg} and {@code var_pop} in the same aggregation;
     * over a column with NaN, Spark's are NaN: aggregate {@code nanvl(x, lit(null))} instead).
     *
     * @throws InvalidArgumentException if a name is null or blank, or the column is already given
     */
    public Builder quantiles(String column, String meanColumn, String varianceColumn) {
      return addQuantiles(column, new String[] {name("meanColumn", meanColumn), name("varianceColumn", varianceColumn)});
    }

    private Builder addQuantiles(String column, String @Nullable [] moments) {
      String c = name("quantiles", column);
      if (quantiles.containsKey(c) || frequentItems.contains(c)) {
        throw InvalidArgumentException.of("quantiles", c, "names a column already given");
      }
      quantiles.put(c, moments);
      return this;
    }

    /**
     * A column of {@code approx_top_k_accumulate} structs over a string column, named as the profile's column.
     *
     * @throws InvalidArgumentException if the name is null, blank or already given
     */
    public Builder frequentItems(String column) {
      String c = name("frequentItems", column);
      if (quantiles.containsKey(c) || frequentItems.contains(c)) {
        throw InvalidArgumentException.of("frequentItems", c, "names a column already given");
      }
      frequentItems.add(c);
      return this;
    }

    private static String name(String option, @Nullable String column) {
      if (column == null || column.isBlank()) {
        throw InvalidArgumentException.of(option, column, "must name a column (not null or blank)");
      }
      return column;
    }

    /**
     * The reader.
     *
     * @throws InvalidArgumentException if no sketch column is given, or neither {@link #rows} nor a
     *     {@link #frequentItems} column counts the rows (a KLL sketch skips nulls and NaN without counting them)
     */
    public SparkSketches build() {
      if (quantiles.isEmpty() && frequentItems.isEmpty()) {
        throw InvalidArgumentException.of("columns", "[]", "must name at least one column of sketches");
      }
      if (rows == null && frequentItems.isEmpty()) {
        throw InvalidArgumentException.of("rows", "null", "must name a column counting the rows (count(lit(1)) beside the sketches): "
            + "a KLL sketch skips nulls and NaN without counting them, so the missing values cannot be known otherwise");
      }
      return new SparkSketches(this);
    }
  }
}
