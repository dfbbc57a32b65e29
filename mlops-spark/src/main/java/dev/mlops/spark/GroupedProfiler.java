package dev.mlops.spark;

import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.function.PairFlatMapFunction;
import org.apache.spark.sql.Row;
import org.jspecify.annotations.Nullable;
import scala.Tuple2;

/**
 * Profiles one partition per group on an executor: one set of column profiles per group key met in
 * the partition, each shipped in the library's stored form with its key. Memory grows with the groups
 * a partition holds.
 */
final class GroupedProfiler implements PairFlatMapFunction<Iterator<Row>, List<@Nullable Object>, byte[]> {
  private static final long serialVersionUID = 1L;

  private final ColumnPlan plan;
  private final Grouping grouping;
  private final int[] keyIndexes;

  GroupedProfiler(ColumnPlan plan, Grouping grouping, int[] keyIndexes) {
    this.plan = plan;
    this.grouping = grouping;
    this.keyIndexes = keyIndexes;
  }

  @Override
  public Iterator<Tuple2<List<@Nullable Object>, byte[]>> call(Iterator<Row> rows) {
    Map<List<@Nullable Object>, PartitionProfiler.Columns> groups = new HashMap<>();
    while (rows.hasNext()) {
      Row row = rows.next();
      groups.computeIfAbsent(grouping.key(row, keyIndexes), k -> new PartitionProfiler.Columns(plan)).add(row);
    }
    return groups.entrySet().stream().map(e -> new Tuple2<>(e.getKey(), e.getValue().finish().toBytes())).iterator();
  }
}
