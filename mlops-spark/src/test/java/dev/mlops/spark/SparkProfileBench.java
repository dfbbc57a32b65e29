package dev.mlops.spark;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.rand;
import static org.apache.spark.sql.functions.randn;

import dev.mlops.monitoring.data.Column;
import dev.mlops.monitoring.data.Table;
import dev.mlops.monitoring.profile.Profile;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Rows per second per core of the Spark profiling pass, beside its floor (a bare Spark aggregation:
 * count, min, max and avg of every column) and the library's single-JVM profile of the same rows, in
 * one run on local[2] over cached DataFrames (so the source's scan is out of every figure): a
 * 10-column numeric frame and a mixed one (6 numbers, 4 strings). Not a test: a main, run as the
 * README's Spark section says. Each figure is the median of 5 timed runs after 2 warm-ups.
 */
public final class SparkProfileBench {
  private static final int ROWS = Integer.getInteger("rows", 1_000_000);
  private static final int SPARK_CORES = 2;

  private SparkProfileBench() {}

  public static void main(String[] args) {
    SparkSession spark = LocalSpark.session();
    System.out.printf(Locale.ROOT, "rows %,d; load average at start %.2f; %d processors%n", ROWS,
        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(), Runtime.getRuntime().availableProcessors());
    List<org.apache.spark.sql.Column> numeric = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      numeric.add(randn(i).multiply(10 + i).plus(100 * i).as("n" + i));
    }
    List<org.apache.spark.sql.Column> mixed = new ArrayList<>(numeric.subList(0, 6));
    for (int i = 0; i < 4; i++) {
      mixed.add(org.apache.spark.sql.functions.concat(org.apache.spark.sql.functions.lit("c" + i + "-"),
          floor(rand(50 + i).multiply(Math.pow(10, i + 1))).cast("string")).as("s" + i));
    }
    run(spark, "numeric (10 doubles)", spark.range(ROWS).repartition(SPARK_CORES).select(numeric.toArray(org.apache.spark.sql.Column[]::new)));
    run(spark, "mixed (6 doubles, 4 strings)", spark.range(ROWS).repartition(SPARK_CORES).select(mixed.toArray(org.apache.spark.sql.Column[]::new)));
    System.out.printf(Locale.ROOT, "load average at end %.2f%n", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    spark.stop();
  }

  private static void run(SparkSession spark, String name, Dataset<Row> frame) {
    Dataset<Row> data = frame.cache();
    data.count();
    List<org.apache.spark.sql.Column> aggs = new ArrayList<>(List.of(count("*")));
    for (String c : data.columns()) {
      aggs.add(min(col(c)));
      aggs.add(max(col(c)));
      if (c.startsWith("n")) {
        aggs.add(avg(col(c)));
      }
    }
    org.apache.spark.sql.Column first = aggs.get(0);
    org.apache.spark.sql.Column[] rest = aggs.subList(1, aggs.size()).toArray(org.apache.spark.sql.Column[]::new);
    Table table = table(data);
    SparkProfiler profiler = SparkProfiler.newBuilder().build();
    double floor = perCore(() -> data.agg(first, rest).collectAsList(), SPARK_CORES);
    double pass = perCore(() -> profiler.profile(data), SPARK_CORES);
    double jvm = perCore(() -> Profile.of(table), 1);
    System.out.printf(Locale.ROOT, "%s: rows/s per core: bare Spark aggregation %,.0f; SparkProfiler %,.0f; single-JVM Profile.of %,.0f%n", name,
        floor, pass, jvm);
    data.unpersist();
  }

  /** The same rows as the library's table, collected once outside the timed runs. */
  private static Table table(Dataset<Row> data) {
    List<Row> rows = data.collectAsList();
    List<Column> columns = new ArrayList<>();
    String[] names = data.columns();
    for (int c = 0; c < names.length; c++) {
      int i = c;
      if (names[c].startsWith("n")) {
        columns.add(Column.numerical(names[c], rows.stream().mapToDouble(r -> r.getDouble(i)).toArray()));
      } else {
        columns.add(Column.categorical(names[c], rows.stream().map(r -> r.getString(i)).toArray(String[]::new)));
      }
    }
    return Table.of(columns);
  }

  private static double perCore(Supplier<?> work, int cores) {
    for (int i = 0; i < 2; i++) {
      work.get();
    }
    double[] rates = new double[5];
    for (int i = 0; i < rates.length; i++) {
      long t0 = System.nanoTime();
      work.get();
      rates[i] = ROWS / ((System.nanoTime() - t0) / 1e9) / cores;
    }
    Arrays.sort(rates);
    return rates[rates.length / 2];
  }
}
