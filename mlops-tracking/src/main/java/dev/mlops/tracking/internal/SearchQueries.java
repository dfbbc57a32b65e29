package dev.mlops.tracking.internal;

import dev.mlops.api.internal.jdbc.Dialect;
import dev.mlops.api.search.Expr;
import dev.mlops.api.search.Key;
import dev.mlops.api.search.OrderBy;
import dev.mlops.api.spi.SortKey;
import dev.mlops.api.tracking.LifecycleStage;
import dev.mlops.api.tracking.ViewType;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The SQL of a run search over the tracking schema: which queries to read in turn for a filter,
 * an ordering, a view and a keyset position. The common shape "order by one metric" reads that
 * metric's ordered index; any other ordering is ranked and sorted by the database. Result rows
 * start with {@link JdbcTrackingStore#RUN_COLUMNS}, then a rank and a value column per ordering key.
 */
final class SearchQueries {
  private final Dialect dialect;

  SearchQueries(Dialect dialect) {
    this.dialect = dialect;
  }

  /**
   * The queries a search reads in turn, each in the order of the final result and without its
   * LIMIT (the reader adds what the page still needs).
   */
  List<SearchSql> queries(List<String> experimentIds, Expr filter, List<OrderBy> orderBy, ViewType view,
      @Nullable SortKey after) {
    return byOneMetric(orderBy)
        ? metricSegments(experimentIds, filter, orderBy.get(0), view, after)
        : List.of(searchSql(experimentIds, filter, orderBy, view, after));
  }

  /** A search's SQL and its arguments. */
  record SearchSql(String sql, List<Object> args) {}

  /** " AND" conditions for the experiments and the view. */
  private static void scope(StringBuilder sql, List<Object> args, List<String> experimentIds, ViewType view) {
    if (!experimentIds.isEmpty()) {
      sql.append(" AND r.experiment_id IN (?").append(", ?".repeat(experimentIds.size() - 1)).append(')');
      args.addAll(experimentIds);
    }
    if (view != ViewType.ALL) {
      sql.append(" AND r.lifecycle_stage = ?");
      args.add(view == ViewType.ACTIVE_ONLY ? LifecycleStage.ACTIVE.name() : LifecycleStage.DELETED.name());
    }
  }

  private static boolean byOneMetric(List<OrderBy> orderBy) {
    return orderBy.size() == 1 && orderBy.get(0).key().kind() == Key.Kind.METRIC;
  }

  /**
   * The common shape "order by one metric" as up to three queries read in turn, each in the
   * order of the final result: runs with a value, by value, read along the (key, value) index and
   * stopped at the page's end; then runs whose value is NaN; then runs without the metric (each by
   * run id). The generic query computes a rank for every matching run and sorts them all. Same
   * rows, same order, same keyset tokens.
   */
  private List<SearchSql> metricSegments(List<String> experimentIds, Expr filter, OrderBy order, ViewType view,
      @Nullable SortKey after) {
    String collate = dialect == Dialect.POSTGRES ? " COLLATE \"C\"" : "";
    String metric = order.key().name();
    int from = after == null ? SortKey.PRESENT : after.ranks()[0];
    List<SearchSql> out = new ArrayList<>();
    for (int rank = from; rank <= SortKey.MISSING; rank++) {
      SqlSearch q = new SqlSearch(dialect, rank == SortKey.MISSING ? "r.run_key" : "o0.run_key");
      List<Object> args = new ArrayList<>();
      StringBuilder sql = new StringBuilder("SELECT ").append(JdbcTrackingStore.RUN_COLUMNS);
      Expr rest = filter;
      switch (rank) {
        case SortKey.PRESENT -> {
          sql.append(", 0 AS k0r, o0.value AS k0v FROM latest_metrics o0 JOIN runs r ON r.run_key = o0.run_key WHERE o0.key = ? AND o0.is_nan <> 1");
          args.add(metric);
          rest = rangeOn(metric, filter, sql, args);
        }
        case SortKey.NAN -> {
          sql.append(", 1 AS k0r, 0 AS k0v FROM latest_metrics o0 JOIN runs r ON r.run_key = o0.run_key WHERE o0.key = ? AND o0.is_nan = 1");
          args.add(metric);
        }
        default -> {
          sql.append(", 2 AS k0r, 0 AS k0v FROM runs r WHERE NOT EXISTS (SELECT 1 FROM latest_metrics o0 WHERE o0.run_key = r.run_key"
              + " AND o0.key = ?)");
          args.add(metric);
        }
      }
      scope(sql, args, experimentIds, view);
      sql.append(" AND ").append(q.where(rest));
      args.addAll(q.params);
      if (after != null && rank == from) {
        if (rank == SortKey.PRESENT) {
          double v = (Double) after.values()[0];
          sql.append(" AND (o0.value ").append(order.ascending() ? ">" : "<").append(" ? OR (o0.value = ? AND r.run_id").append(collate)
              .append(" > ?))");
          args.add(v);
          args.add(v);
        } else {
          sql.append(" AND r.run_id").append(collate).append(" > ?");
        }
        args.add(after.id());
      }
      sql.append(" ORDER BY ").append(rank == SortKey.PRESENT ? "o0.value" + (order.ascending() ? " ASC, " : " DESC, ") : "")
          .append("r.run_id").append(collate).append(" ASC");
      out.add(new SearchSql(sql.toString(), args));
    }
    return out;
  }

  /**
   * Moves the filter's top-level comparisons of the ordering metric itself ("metrics.acc > 0.5 AND
   * ...") onto the joined row as a range of the ordered index, so the database reads only that range
   * (without it SQLite's planner scans every run of the experiment and sorts). The same rows: in the
   * present segment the joined row is the run's only row of that key and its value is not NaN.
   * Returns the rest of the filter.
   */
  private static Expr rangeOn(String metric, Expr filter, StringBuilder sql, List<Object> args) {
    List<Expr> parts = filter instanceof Expr.And and ? and.parts() : List.of(filter);
    List<Expr> rest = new ArrayList<>();
    for (Expr part : parts) {
      boolean moved = false;
      if (part instanceof Expr.Compare c && c.key().kind() == Key.Kind.METRIC && c.key().name().equals(metric)
          && c.value() instanceof Double v && !v.isNaN()) {
        String op = switch (c.op()) {
          case EQ -> "=";
          case LT -> "<";
          case LE -> "<=";
          case GT -> ">";
          case GE -> ">=";
          default -> null;
        };
        if (op != null) {
          sql.append(" AND o0.value ").append(op).append(" ?");
          args.add(v);
          moved = true;
        }
      }
      if (!moved) {
        rest.add(part);
      }
    }
    return rest.isEmpty() ? new Expr.True() : rest.size() == 1 ? rest.get(0) : new Expr.And(rest);
  }

  /** Any ordering: every matching run ranked and sorted by the database. */
  private SearchSql searchSql(List<String> experimentIds, Expr filter, List<OrderBy> orderBy, ViewType view,
      @Nullable SortKey after) {
    SqlSearch q = new SqlSearch(dialect);
    SqlSearch.Ordering ord = q.ordering(orderBy);
    List<Object> args = new ArrayList<>(ord.joinParams());
    StringBuilder where = new StringBuilder(" WHERE 1=1");
    scope(where, args, experimentIds, view);
    String f = q.where(filter);
    where.append(" AND ").append(f);
    String keyset = after == null ? "" : " WHERE " + q.after(orderBy, after);
    args.addAll(q.params);
    String sql = "SELECT * FROM (SELECT " + JdbcTrackingStore.RUN_COLUMNS + ord.columns() + " FROM runs r" + ord.joins() + where + ") s" + keyset
        + " ORDER BY " + ord.orderBy();
    return new SearchSql(sql, args);
  }
}
