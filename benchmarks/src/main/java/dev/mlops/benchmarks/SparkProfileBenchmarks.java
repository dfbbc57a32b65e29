package dev.mlops.benchmarks;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.rand;
import static org.apache.spark.sql.functions.randn;

import dev.mlops.monitoring.data.Column;
import dev.mlops.monitoring.data.Table;
import dev.mlops.monitoring.profile.Profile;
import dev.mlops.spark.SparkProfiler;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Profiling a DataFrame in Spark, side by side in one run: a bare Spark aggregation over the same
 * columns (count, min, max, and avg of the numbers) as the floor, {@link SparkProfiler}'s one pass,
 * and the library's single-JVM {@code Profile.of} of the same rows. Spark runs {@code local[2]} over a
 * cached frame of 1,000,000 rows (so the source's scan is out of every figure): {@code numeric}, 10
 * doubles, or {@code mixed}, 6 doubles and 4 strings of 10 to 10,000 distinct values. Scores are rows
 * per second for the whole run; Spark's two benchmarks use both cores, {@code singleJvmProfile} one
 * (halve Spark's scores for rows per second per core). Spark is not in {@code benchmarks.jar}; run
 * with its jars beside it:
 *
 * <pre>{@code
 * java -cp "benchmarks/target/benchmarks.jar:$(cat benchmarks/target/spark-classpath.txt)" org.openjdk.jmh.Main SparkProfileBenchmarks
 * }</pre>
 */
@Fork(value = 1, jvmArgsAppend = {"-Xmx3g", // the flags Spark's launcher adds on Java 17 (org.apache.spark.launcher.JavaModuleOptions)
    "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
    "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED", "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/java.net=ALL-UNNAMED", "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.util=ALL-UNNAMED", "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
    "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED", "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.cs=ALL-UNNAMED", "--add-opens=java.base/sun.security.action=ALL-UNNAMED",
    "--add-opens=java.base/sun.util.calendar=ALL-UNNAMED", "-Djdk.reflect.useDirectMethodHandle=false"})
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 5, time = 5)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SparkProfileBenchmarks {
  static final int ROWS = 1_000_000;

  /** One local Spark session, a cached frame and the same rows as a library table. */
  @State(Scope.Benchmark)
  public static class Frame {
    @Param({"numeric", "mixed"})
    public String frame;

    SparkSession spark;
    Dataset<Row> data;
    org.apache.spark.sql.Column firstAgg;
    org.apache.spark.sql.Column[] restAggs;
    Table table;
    SparkProfiler profiler;

    @Setup(Level.Trial)
    public void setUp() {
      spark = SparkSession.builder().appName("mlops-spark-benchmarks").master("local[2]")
          .config("spark.ui.enabled", "false").config("spark.driver.bindAddress", "127.0.0.1").config("spark.driver.host", "127.0.0.1")
          .config("spark.sql.shuffle.partitions", "4").config("spark.default.parallelism", "4").config("spark.sql.adaptive.enabled", "false")
          .getOrCreate();
      spark.sparkContext().setLogLevel("WARN");
      List<org.apache.spark.sql.Column> columns = new ArrayList<>();
      for (int i = 0; i < (frame.equals("numeric") ? 10 : 6); i++) {
        columns.add(randn(i).multiply(10 + i).plus(100 * i).as("n" + i));
      }
      if (frame.equals("mixed")) {
        for (int i = 0; i < 4; i++) {
          columns.add(concat(lit("c" + i + "-"), floor(rand(50 + i).multiply(Math.pow(10, i + 1))).cast("string")).as("s" + i));
        }
      } else if (!frame.equals("numeric")) {
        throw new IllegalArgumentException("frame: numeric or mixed, not " + frame);
      }
      data = spark.range(ROWS).repartition(2).select(columns.toArray(org.apache.spark.sql.Column[]::new)).cache();
      data.count();
      List<org.apache.spark.sql.Column> aggs = new ArrayList<>(List.of(count("*")));
      for (String c : data.columns()) {
        aggs.add(min(col(c)));
        aggs.add(max(col(c)));
        if (c.startsWith("n")) {
          aggs.add(avg(col(c)));
        }
      }
      firstAgg = aggs.get(0);
      restAggs = aggs.subList(1, aggs.size()).toArray(org.apache.spark.sql.Column[]::new);
      table = table(data);
      profiler = SparkProfiler.newBuilder().build();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      data.unpersist();
      spark.stop();
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
  }

  /** The floor: Spark's own code-generated aggregation, count, min, max and avg of every column, on both cores. */
  @Benchmark
  @OperationsPerInvocation(ROWS)
  public List<Row> bareSparkAggregation(Frame f) {
    return f.data.agg(f.firstAgg, f.restAggs).collectAsList();
  }

  /** The library's profile of the frame in Spark, one pass, on both cores. */
  @Benchmark
  @OperationsPerInvocation(ROWS)
  public dev.mlops.spark.DataFrameProfile sparkProfiler(Frame f) {
    return f.profiler.profile(f.data);
  }

  /** The library's profile of the same rows in this JVM, one core. */
  @Benchmark
  @OperationsPerInvocation(ROWS)
  public Profile singleJvmProfile(Frame f) {
    return Profile.of(f.table);
  }
}
