package dev.mlops.spark;

import dev.mlops.api.InvalidArgumentException;
import dev.mlops.monitoring.profile.Profile;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;

/**
 * Profiles a Spark {@code Dataset<Row>} in one pass over its data: each partition builds the
 * library's column profiles on its executor and ships them in the library's stored form
 * ({@link Profile#toBytes()}); the partitions' profiles are merged in a tree on the executors and the
 * last merge happens on the driver. The result equals the profile the library builds in one JVM from
 * the same rows: counts, missing values, min, max, mean and variance exactly up to floating-point
 * rounding of the merge order (1e-12 relative), the quantile, frequent-item and distinct-count
 * sketches within their stated errors ({@link dev.mlops.monitoring.profile.ColumnProfile}), however
 * the rows are partitioned.
 *
 * <p>Column types come from the schema: numbers of every width and decimals are read as doubles,
 * booleans and strings as the library reads them, null is a missing value, NaN and infinities are
 * counted as such. Columns of other types (dates, timestamps, binary, arrays, maps, structs) are
 * skipped and listed with the reason in {@link DataFrameProfile#skipped()}, or refused with
 * {@link Builder#refuseUnsupported()}.
 *
 * <pre>{@code
 * DataFrameProfile nightly = SparkProfiler.newBuilder().build().profile(spark.table("payments"));
 * byte[] stored = nightly.profile().toBytes();
 * }</pre>
 *
 * Immutable and thread-safe; each {@link #profile} call runs one Spark job.
 */
public final class SparkProfiler {
  private final Set<String> columns;
  private final boolean refuseUnsupported;
  private final int depth;

  private SparkProfiler(Builder b) {
    this.columns = Set.copyOf(b.columns);
    this.refuseUnsupported = b.refuseUnsupported;
    this.depth = b.depth;
  }

  /** A builder: every column, unsupported ones skipped, a merge tree of depth 2. */
  public static Builder newBuilder() {
    return new Builder();
  }

  /**
   * Profiles {@code data} in one Spark job.
   *
   * @throws InvalidArgumentException before any job runs, if {@code data} is null, a selected column
   *     is not in its schema, two of its columns share a name, or (with {@link Builder#refuseUnsupported()})
   *     a column is of a type the library does not profile
   */
  public DataFrameProfile profile(Dataset<Row> data) {
    Arguments.notNull("data", data);
    ColumnPlan plan = ColumnPlan.of(data.schema(), columns, refuseUnsupported);
    JavaRDD<byte[]> parts = data.mapPartitions(new PartitionProfiler(plan), Encoders.BINARY()).toJavaRDD();
    // a DataFrame without partitions (an empty one can have none) still has its columns
    Profile merged = parts.getNumPartitions() == 0 ? new PartitionProfiler(plan).profile(java.util.Collections.emptyIterator())
        : Profile.fromBytes(parts.treeReduce(SparkProfiler::merge, depth));
    return new DataFrameProfile(merged, plan.skipped);
  }

  /**
   * Profiles each group of {@code data}'s rows ({@link Grouping}: by columns' values, or by time
   * bucket) in one Spark job: each partition profiles the groups it holds, a shuffle brings each
   * group's partial profiles together and merges them, and the driver gets one profile per group.
   * Each equals (as {@link #profile} states) the profile of that group's rows alone. The grouping's
   * columns are not profiled; the other columns are planned as {@link #profile} plans them, and the
   * skipped ones are listed in every group's {@link DataFrameProfile}. The groups are held on the
   * driver at the end (a profile is some kilobytes per column): group by what has a bounded number of values.
   *
   * @return the profiles by group key, in no particular order (immutable)
   * @throws InvalidArgumentException before any job runs, as {@link #profile}, or if a grouping column
   *     is not in the schema, or a time-bucket column is not a timestamp
   */
  public java.util.Map<List<@org.jspecify.annotations.Nullable Object>, DataFrameProfile> profileGroups(Dataset<Row> data, Grouping grouping) {
    Arguments.notNull("data", data);
    Arguments.notNull("grouping", grouping);
    int[] keyIndexes = grouping.indexes(data.schema());
    ColumnPlan plan = ColumnPlan.of(data.schema(), columns, Set.copyOf(grouping.columns()), refuseUnsupported);
    java.util.Map<List<@org.jspecify.annotations.Nullable Object>, byte[]> merged = data.toJavaRDD()
        .mapPartitionsToPair(new GroupedProfiler(plan, grouping, keyIndexes)).reduceByKey(SparkProfiler::merge).collectAsMap();
    java.util.Map<List<@org.jspecify.annotations.Nullable Object>, DataFrameProfile> out = new java.util.HashMap<>();
    merged.forEach((k, v) -> out.put(k, new DataFrameProfile(Profile.fromBytes(v), plan.skipped)));
    return java.util.Collections.unmodifiableMap(out);
  }

  /** Two stored profiles merged into the stored profile of both (run on the executors for the tree's inner levels). */
  static byte[] merge(byte[] a, byte[] b) {
    return Profile.mergeAll(List.of(Profile.fromBytes(a), Profile.fromBytes(b))).toBytes();
  }

  /** Options of a {@link SparkProfiler}; each setter checks its argument at once. Not thread-safe; {@link #build()} may be called again. */
  public static final class Builder {
    private final Set<String> columns = new LinkedHashSet<>();
    private boolean refuseUnsupported;
    private int depth = 2;

    private Builder() {}

    /**
     * Profiles only these columns (by default every column).
     *
     * @throws InvalidArgumentException if a name is null or blank
     */
    public Builder columns(String... names) {
      Arguments.notNull("columns", names);
      for (String n : names) {
        if (n == null || n.isBlank()) {
          throw InvalidArgumentException.of("columns", n, "must name a column (not null or blank)");
        }
      }
      columns.addAll(List.of(names));
      return this;
    }

    /** Refuses a DataFrame with a column of a type the library does not profile, instead of skipping that column. */
    public Builder refuseUnsupported() {
      this.refuseUnsupported = true;
      return this;
    }

    /**
     * The depth of the merge tree (default 2): with many partitions a deeper tree merges more on the
     * executors and less on the driver.
     *
     * @throws InvalidArgumentException unless {@code 1 <= depth <= 8}
     */
    public Builder mergeDepth(int depth) {
      if (depth < 1 || depth > 8) {
        throw InvalidArgumentException.of("merge depth", depth, "must be between 1 and 8");
      }
      this.depth = depth;
      return this;
    }

    /** The profiler. */
    public SparkProfiler build() {
      return new SparkProfiler(this);
    }
  }
}
