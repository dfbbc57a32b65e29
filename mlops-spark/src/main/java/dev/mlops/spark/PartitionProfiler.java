package dev.mlops.spark;

import dev.mlops.monitoring.profile.ColumnProfile;
import dev.mlops.monitoring.profile.Profile;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;

/**
 * Profiles one partition on an executor into the library's stored form ({@link Profile#toBytes()}):
 * one profile per partition, every planned column present even when the partition is empty, so the
 * merged profile keeps the schema's column order. Numbers are buffered and handed to the column
 * profile a block at a time (its batch update: the same counts and moments as one update per value,
 * at a fraction of the cost); null is a missing value, NaN and infinities are counted as the library
 * counts them.
 */
final class PartitionProfiler implements MapPartitionsFunction<Row, byte[]> {
  private static final long serialVersionUID = 1L;
  private static final int BLOCK = 1024;

  private final ColumnPlan plan;

  PartitionProfiler(ColumnPlan plan) {
    this.plan = plan;
  }

  @Override
  public Iterator<byte[]> call(Iterator<Row> rows) {
    return List.of(profile(rows).toBytes()).iterator();
  }

  /** The profile of the rows, in the plan's column order. */
  Profile profile(Iterator<Row> rows) {
    Columns columns = new Columns(plan);
    while (rows.hasNext()) {
      columns.add(rows.next());
    }
    return columns.finish();
  }

  /** The column profiles of one partition, row by row; {@link #finish()} once. Not thread-safe. */
  static final class Columns {
    private final ColumnPlan plan;
    private final Profile scratch = new Profile();
    private final ColumnProfile[] columns;
    private final double[][] blocks;
    private final int[] filled;
    private long count;

    Columns(ColumnPlan plan) {
      this.plan = plan;
      int n = plan.names.length;
      columns = new ColumnProfile[n];
      blocks = new double[n][];
      filled = new int[n];
      for (int c = 0; c < n; c++) {
        columns[c] = scratch.column(plan.names[c]);
        if (plan.kinds[c] == ColumnPlan.Kind.NUMBER) {
          blocks[c] = new double[BLOCK];
        }
      }
    }

    void add(Row row) {
      count++;
      for (int c = 0; c < columns.length; c++) {
        int i = plan.indexes[c];
        if (row.isNullAt(i)) {
          columns[c].updateMissing();
        } else if (plan.kinds[c] == ColumnPlan.Kind.NUMBER) {
          blocks[c][filled[c]++] = ((Number) row.get(i)).doubleValue();
          if (filled[c] == BLOCK) {
            columns[c].update(blocks[c], 0, BLOCK);
            filled[c] = 0;
          }
        } else {
          // booleans and strings as the library takes any value: counted by type, sketched as text
          columns[c].update(row.get(i));
        }
      }
    }

    Profile finish() {
      for (int c = 0; c < columns.length; c++) {
        if (filled[c] > 0) {
          columns[c].update(blocks[c], 0, filled[c]);
          filled[c] = 0;
        }
      }
      return Profile.of(count, scratch.columns());
    }
  }
}
