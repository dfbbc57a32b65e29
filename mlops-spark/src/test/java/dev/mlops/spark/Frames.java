package dev.mlops.spark;

import dev.mlops.monitoring.data.Column;
import dev.mlops.monitoring.data.Table;
import dev.mlops.monitoring.profile.Profile;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** Test data as rows of a schema: the same rows become a Spark DataFrame and the library's one-JVM profile. */
record Frames(StructType schema, List<Object[]> rows) {

  /** The rows as a DataFrame of {@code partitions} partitions, in their order. */
  Dataset<Row> frame(SparkSession spark, int partitions) {
    return local(spark).repartition(partitions);
  }

  /** The rows as a DataFrame of {@code partitions} partitions, each row sent to one at random (seeded): another order in each. */
  Dataset<Row> shuffled(SparkSession spark, int partitions, long seed) {
    return local(spark).repartition(partitions, org.apache.spark.sql.functions.rand(seed));
  }

  private Dataset<Row> local(SparkSession spark) {
    List<Row> out = new ArrayList<>(rows.size());
    for (Object[] r : rows) {
      out.add(RowFactory.create(r));
    }
    return spark.createDataFrame(out, schema);
  }

  /** The library's profile of the rows in one JVM, one row at a time (null is missing), over the named columns. */
  Profile jvmProfile(List<String> columns) {
    Profile p = new Profile();
    for (Object[] r : rows) {
      Map<String, Object> row = new LinkedHashMap<>();
      for (String c : columns) {
        Object v = r[schema.fieldIndex(c)];
        row.put(c, v instanceof BigDecimal d ? d.doubleValue() : v);
      }
      p.update(row);
    }
    return p;
  }

  /** A real table read as the library reads it: numerical columns as doubles (NaN missing), categorical ones as strings (null missing). */
  static Frames of(Table table) {
    List<StructField> fields = new ArrayList<>();
    List<Column> columns = new ArrayList<>(table.columns().values());
    for (Column c : columns) {
      fields.add(new StructField(c.name(), c.type() == Column.Type.NUMERICAL ? DataTypes.DoubleType : DataTypes.StringType, true, Metadata.empty()));
    }
    List<Object[]> rows = new ArrayList<>();
    for (int i = 0; i < table.rows(); i++) {
      Object[] r = new Object[columns.size()];
      for (int c = 0; c < r.length; c++) {
        Column col = columns.get(c);
        r[c] = col.type() == Column.Type.NUMERICAL ? (Object) col.numbers()[i] : col.categories()[i];
      }
      rows.add(r);
    }
    return new Frames(new StructType(fields.toArray(StructField[]::new)), rows);
  }

  static Table dataset(String name, Set<String> categorical) {
    try {
      return Table.readCsv(Path.of(Frames.class.getResource("/datasets/" + name + ".csv").toURI()), categorical);
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Generated rows with what real data has and a profile must count right: nulls in every column,
   * NaN and infinities, a column far from zero (mean 1000, sd 3), a heavy-tailed column, a column of thousands of categories (Zipf, beyond the
   * frequent-items sketch's exact range), integers, booleans, decimals.
   */
  static Frames generated(long seed, int n) {
    Random r = new Random(seed);
    StructType schema = new StructType(new StructField[] {
        new StructField("x", DataTypes.DoubleType, true, Metadata.empty()),
        new StructField("skew", DataTypes.DoubleType, true, Metadata.empty()),
        new StructField("city", DataTypes.StringType, true, Metadata.empty()),
        new StructField("tier", DataTypes.StringType, true, Metadata.empty()),
        new StructField("count", DataTypes.LongType, true, Metadata.empty()),
        new StructField("age", DataTypes.IntegerType, true, Metadata.empty()),
        new StructField("flag", DataTypes.BooleanType, true, Metadata.empty()),
        new StructField("price", DataTypes.createDecimalType(12, 2), true, Metadata.empty()),
        new StructField("score", DataTypes.FloatType, true, Metadata.empty())});
    String[] tiers = {"gold", "silver", "bronze", "free", "trial"};
    List<Object[]> rows = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      double u = r.nextDouble();
      Double x = u < 0.03 ? null : u < 0.05 ? Double.NaN : u < 0.055 ? Double.POSITIVE_INFINITY : u < 0.06 ? Double.NEGATIVE_INFINITY
          : 1000 + r.nextGaussian() * 3;
      Double skew = r.nextDouble() < 0.01 ? null : Math.exp(r.nextGaussian() * 2.5);
      // Zipf-like over 5,000 names: a few frequent, thousands rare
      String city = r.nextDouble() < 0.02 ? null : "city-" + (int) Math.floor(Math.pow(5000, r.nextDouble()));
      String tier = r.nextDouble() < 0.05 ? null : tiers[Math.min(4, (int) Math.abs(r.nextGaussian() * 1.5))];
      Long count = r.nextDouble() < 0.02 ? null : (long) (r.nextDouble() * r.nextDouble() * 1_000_000_000L);
      Integer age = r.nextDouble() < 0.1 ? null : 18 + r.nextInt(70);
      Boolean flag = r.nextDouble() < 0.1 ? null : r.nextDouble() < 0.3;
      BigDecimal price = r.nextDouble() < 0.02 ? null : BigDecimal.valueOf(r.nextInt(10_000_000), 2);
      Float score = r.nextDouble() < 0.02 ? null : r.nextDouble() < 0.01 ? Float.NaN : (float) r.nextGaussian();
      rows.add(new Object[] {x, skew, city, tier, count, age, flag, price, score});
    }
    return new Frames(schema, rows);
  }

  /** The values of a column, for exact answers: finite numbers, and counts of the non-numeric values. */
  double[] finiteNumbers(String column) {
    int i = schema.fieldIndex(column);
    return rows.stream().map(r -> r[i]).filter(v -> v instanceof Number).mapToDouble(v -> ((Number) v).doubleValue())
        .filter(Double::isFinite).toArray();
  }

  Map<String, Long> textCounts(String column) {
    int i = schema.fieldIndex(column);
    Map<String, Long> m = new LinkedHashMap<>();
    for (Object[] r : rows) {
      if (r[i] != null && !(r[i] instanceof Number)) {
        m.merge(r[i].toString(), 1L, Long::sum);
      }
    }
    return m;
  }

  /** The rows as the library's table, built here in one JVM: numbers as doubles (null is NaN), anything else as its text (null missing). */
  Table table() {
    List<Column> columns = new ArrayList<>();
    for (StructField f : schema.fields()) {
      int i = schema.fieldIndex(f.name());
      boolean numeric = f.dataType() instanceof org.apache.spark.sql.types.NumericType;
      if (numeric) {
        columns.add(Column.numerical(f.name(), rows.stream().mapToDouble(r -> r[i] == null ? Double.NaN : ((Number) r[i]).doubleValue()).toArray()));
      } else {
        columns.add(Column.categorical(f.name(), rows.stream().map(r -> r[i] == null ? null : r[i].toString()).toArray(String[]::new)));
      }
    }
    return Table.of(columns);
  }

  /** These rows with {@code change} applied to a copy of each. */
  Frames with(java.util.function.Consumer<Object[]> change) {
    List<Object[]> out = new ArrayList<>();
    for (Object[] r : rows) {
      Object[] c = r.clone();
      change.accept(c);
      out.add(c);
    }
    return new Frames(schema, out);
  }

  List<String> names() {
    return List.of(schema.fieldNames());
  }
}
