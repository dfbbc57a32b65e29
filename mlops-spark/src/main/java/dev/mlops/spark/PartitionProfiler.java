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
    int n = plan.names.length;
    Profile scratch = new Profile();
    ColumnProfile[] columns = new ColumnProfile[n];
    double[][] blocks = new double[n][];
    int[] filled = new int[n];
    for (int c = 0; c < n; c++) {
      columns[c] = scratch.column(plan.names[c]);
      if (plan.kinds[c] == ColumnPlan.Kind.NUMBER) {
        blocks[c] = new double[BLOCK];
      }
    }
    long count = 0;
    while (rows.hasNext()) {
      Row row = rows.next();
      count++;
      for (int c = 0; c < n; c++) {
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
    for (int c = 0; c < n; c++) {
      if (filled[c] > 0) {
        columns[c].update(blocks[c], 0, filled[c]);
      }
    }
    return Profile.of(count, scratch.columns());
  }
}
