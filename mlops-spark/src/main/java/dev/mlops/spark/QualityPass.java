package dev.mlops.spark;

import dev.mlops.monitoring.data.Column;
import dev.mlops.monitoring.profile.ColumnProfile;
import dev.mlops.monitoring.profile.Profile;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.api.java.function.PairFlatMapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.jspecify.annotations.Nullable;
import scala.Tuple2;

/**
 * The one pass over a DataFrame's rows that profiles them and counts what the built-in quality checks
 * read against a reference. Each partition builds its profile and its counts while it streams its rows
 * out as shuffle keys ({@link RowKey}, the row's values in byte form, with a count of 1), then its
 * tally under a key of its own; Spark adds up equal rows (combining within each partition first), and
 * each reducer counts the repeats (every row of a key beyond the first is a duplicate) and merges the
 * tallies it received. The source is read once; the shuffle carries the rows' encoded values only.
 */
final class QualityPass implements PairFlatMapFunction<Iterator<Row>, RowKey, Object> {
  private static final long serialVersionUID = 1L;

  private final ColumnPlan plan;
  // per planned column: the reference's range (NaN unless numerical there) and categories (null unless categorical there)
  private final double[] refMin;
  private final double[] refMax;
  private final List<@Nullable Set<String>> known;

  private QualityPass(ColumnPlan plan, Profile reference) {
    this.plan = plan;
    int n = plan.names.length;
    refMin = new double[n];
    refMax = new double[n];
    known = new java.util.ArrayList<>();
    for (int c = 0; c < n; c++) {
      String name = plan.names[c];
      ColumnProfile ref = reference.columns().stream().filter(p -> p.name().equals(name)).findFirst().orElse(null);
      boolean numeric = ref != null && ref.isNumerical();
      refMin[c] = numeric ? ref.min() : Double.NaN;
      refMax[c] = numeric ? ref.max() : Double.NaN;
      known.add(ref != null && !numeric ? new HashSet<>(ref.frequentItems().keySet()) : null);
    }
  }

  /**
   * Profiles {@code data} and counts its quality against {@code reference} in one Spark job.
   *
   * @param depth the depth of the tree the reducers' tallies merge in
   */
  static QualityTally run(Dataset<Row> data, ColumnPlan plan, Profile reference, int depth) {
    JavaRDD<Row> rows = data.toJavaRDD();
    if (rows.getNumPartitions() == 0) {
      return new QualityPass(plan, reference).tally(Collections.emptyIterator());
    }
    JavaPairRDD<RowKey, Object> keyed = rows.mapPartitionsToPair(new QualityPass(plan, reference));
    return keyed.reduceByKey(QualityPass::add).mapPartitions(new Settle(plan)).treeReduce(QualityTally::merge, depth);
  }

  private static Object add(Object a, Object b) {
    return (Long) a + (Long) b; // only rows' keys repeat; a tally's key is its partition's own
  }

  /** The tally of rows with no shuffle: for a DataFrame without partitions. */
  private QualityTally tally(Iterator<Row> rows) {
    Emitter e = new Emitter(rows, 0);
    while (e.hasNext()) {
      e.next();
    }
    return e.tally;
  }

  @Override
  public Iterator<Tuple2<RowKey, Object>> call(Iterator<Row> rows) {
    TaskContext task = TaskContext.get();
    return new Emitter(rows, task == null ? 0 : task.partitionId());
  }

  /** Streams a partition's rows as keys while counting them; its tally last. */
  private final class Emitter implements Iterator<Tuple2<RowKey, Object>> {
    private final Iterator<Row> rows;
    private final int partition;
    private final PartitionProfiler.Columns profile = new PartitionProfiler.Columns(plan);
    private final QualityTally tally = new QualityTally(plan.names.length, new byte[0]);
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    private final DataOutputStream out = new DataOutputStream(buffer);
    private boolean done;

    Emitter(Iterator<Row> rows, int partition) {
      this.rows = rows;
      this.partition = partition;
    }

    @Override
    public boolean hasNext() {
      return !done;
    }

    @Override
    public Tuple2<RowKey, Object> next() {
      if (done) {
        throw new NoSuchElementException();
      }
      if (!rows.hasNext()) {
        done = true;
        tally.profile = profile.finish().toBytes();
        return new Tuple2<>(RowKey.tally(partition), tally);
      }
      Row row = rows.next();
      profile.add(row);
      tally.rows++;
      buffer.reset();
      try {
        for (int c = 0; c < plan.names.length; c++) {
          count(c, row, plan.indexes[c]);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return new Tuple2<>(RowKey.row(buffer.toByteArray()), 1L);
    }

    /** Counts column {@code c}'s value and writes it to the row's key as the library's table holds it (null number as NaN). */
    private void count(int c, Row row, int i) throws IOException {
      tally.size[c]++;
      boolean isNull = row.isNullAt(i);
      if (plan.kinds[c] == ColumnPlan.Kind.NUMBER) {
        double v = isNull ? Double.NaN : ((Number) row.get(i)).doubleValue();
        out.writeLong(Double.doubleToLongBits(v));
        if (!Double.isFinite(v)) {
          tally.missing[c]++;
          return;
        }
        tally.presentNumbers[c]++;
        tally.presentLabels[c]++;
        tally.distinct(c, v + 0.0); // -0.0 and 0.0 are one value
        if (v < refMin[c] || v > refMax[c]) {
          tally.outOfRange[c]++;
        }
        unseen(c, Column.label(v));
        return;
      }
      if (isNull) {
        out.writeBoolean(false);
        tally.missing[c]++;
        return;
      }
      String s = row.get(i).toString();
      byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
      out.writeBoolean(true);
      out.writeInt(utf8.length);
      out.write(utf8);
      tally.presentLabels[c]++;
      tally.distinct(c, s);
      unseen(c, s);
    }

    private void unseen(int c, String label) {
      Set<String> k = known.get(c);
      if (k != null && !k.contains(label)) {
        tally.unseen.get(c).merge(label, 1L, Long::sum);
      }
    }
  }

  /** A reducer's side: the repeats of its rows' keys counted as duplicates, and the tallies it received merged. */
  private static final class Settle implements FlatMapFunction<Iterator<Tuple2<RowKey, Object>>, QualityTally> {
    private static final long serialVersionUID = 1L;
    private final ColumnPlan plan;

    Settle(ColumnPlan plan) {
      this.plan = plan;
    }

    @Override
    public Iterator<QualityTally> call(Iterator<Tuple2<RowKey, Object>> keys) {
      QualityTally out = new QualityTally(plan.names.length, new PartitionProfiler(plan).profile(Collections.emptyIterator()).toBytes());
      long duplicates = 0;
      while (keys.hasNext()) {
        Tuple2<RowKey, Object> k = keys.next();
        if (k._1().isTally()) {
          out.merge((QualityTally) k._2());
        } else {
          duplicates += (Long) k._2() - 1;
        }
      }
      out.duplicates += duplicates;
      return List.of(out).iterator();
    }
  }
}
