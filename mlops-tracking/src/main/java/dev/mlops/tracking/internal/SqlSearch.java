package dev.mlops.tracking.internal;

import dev.mlops.api.internal.jdbc.Dialect;
import dev.mlops.api.search.Expr;
import dev.mlops.api.search.Key;
import dev.mlops.api.search.OrderBy;
import dev.mlops.api.spi.SortKey;
import java.util.ArrayList;
import java.util.List;

/**
 * Translates a parsed filter, an ordering and a keyset position into SQL over the tracking schema,
 * with the same semantics as the in-memory {@link dev.mlops.api.search.Evaluator} and
 * {@link SortKey}: every predicate is two-valued (EXISTS, or guarded columns), NaN is stored as a
 * flag and never equals anything, missing and NaN sort last in both directions, run id breaks ties.
 */
final class SqlSearch {
  private final Dialect dialect;
  private final String runKey;
  final List<Object> params = new ArrayList<>();

  SqlSearch(Dialect dialect) {
    this(dialect, "r.run_key");
  }

  /**
   * @param runKey the column the subqueries of params, metrics, tags and inputs are correlated on:
   *     {@code r.run_key}, or a joined row's equal column, which lets the database test them before
   *     it reads the run's row
   */
  SqlSearch(Dialect dialect, String runKey) {
    this.dialect = dialect;
    this.runKey = runKey;
  }

  /** The WHERE fragment of {@code e} over runs aliased {@code r}; binds go to {@link #params}. */
  String where(Expr e) {
    StringBuilder sb = new StringBuilder();
    where(e, sb);
    return sb.toString();
  }

  private void where(Expr e, StringBuilder sb) {
    if (e instanceof Expr.True) {
      sb.append("1=1");
    } else if (e instanceof Expr.And and) {
      join(and.parts(), " AND ", sb);
    } else if (e instanceof Expr.Or or) {
      join(or.parts(), " OR ", sb);
    } else if (e instanceof Expr.Not not) {
      sb.append("NOT (");
      where(not.inner(), sb);
      sb.append(')');
    } else if (e instanceof Expr.IsNull n) {
      sb.append(n.negated() ? "" : "NOT ").append(present(n.key(), null));
    } else if (e instanceof Expr.In in) {
      inList(in, sb);
    } else {
      compare((Expr.Compare) e, sb);
    }
  }

  private void join(List<Expr> parts, String sep, StringBuilder sb) {
    sb.append('(');
    for (int i = 0; i < parts.size(); i++) {
      if (i > 0) {
        sb.append(sep);
      }
      where(parts.get(i), sb);
    }
    sb.append(')');
  }

  /** The table, alias and value column holding a multi-row key, or null for run attributes. */
  private static String[] source(Key key) {
    return switch (key.kind()) {
      case METRIC -> new String[] {"latest_metrics", "value"};
      case PARAM -> new String[] {"params", "value"};
      case TAG -> new String[] {"tags", "value"};
      case DATASET -> new String[] {"inputs", switch (key.name()) {
        case "name" -> "name";
        case "digest" -> "digest";
        default -> "context";
      }};
      case ATTRIBUTE -> null;
    };
  }

  static String attributeColumn(String name) {
    return switch (name) {
      case "run_id" -> "r.run_id";
      case "run_name" -> "r.run_name";
      case "status" -> "r.status";
      case "user" -> "r.user_id";
      case "artifact_uri" -> "r.artifact_uri";
      case "experiment_id" -> "r.experiment_id";
      case "parent_run_id" -> "r.parent_run_id";
      case "start_time" -> "r.start_time";
      case "end_time" -> "r.end_time";
      default -> throw new IllegalArgumentException(name);
    };
  }

  /** "key is present and satisfies cond", where cond uses {@code x.col} (or the attribute column) as "v". */
  private String present(Key key, String cond) {
    String[] src = source(key);
    if (src == null) {
      String col = attributeColumn(key.name());
      String guard = switch (key.name()) {
        case "end_time" -> col + " IS NOT NULL";
        case "parent_run_id" -> col + " <> ''";
        default -> "1=1";
      };
      return "(" + guard + (cond == null ? "" : " AND " + cond.replace("{v}", col).replace("{nan}", "0")) + ")";
    }
    StringBuilder sb = new StringBuilder("EXISTS (SELECT 1 FROM ").append(src[0]).append(" x WHERE x.run_key = ").append(runKey);
    if (key.kind() != Key.Kind.DATASET) {
      sb.append(" AND x.").append("key = ?");
      params.add(key.name());
    }
    if (cond != null) {
      sb.append(" AND ").append(cond.replace("{v}", "x." + src[1]).replace("{nan}", key.kind() == Key.Kind.METRIC ? "x.is_nan" : "0"));
    }
    return sb.append(')').toString();
  }

  private void compare(Expr.Compare c, StringBuilder sb) {
    Key key = c.key();
    if (key.numeric()) {
      double v = (Double) c.value();
      if (Double.isNaN(v)) {
        sb.append(c.op() == Expr.Op.NE ? present(key, null) : "1=0");
        return;
      }
      String op = switch (c.op()) {
        case EQ -> "=";
        case NE -> "<>";
        case LT -> "<";
        case LE -> "<=";
        case GT -> ">";
        case GE -> ">=";
        default -> throw new IllegalStateException(c.op().toString());
      };
      // the key's binding (if any) is added inside present() before this value
      String cond = c.op() == Expr.Op.NE ? "({nan} = 1 OR {v} <> ?)" : "{nan} IN (0, 2) AND {v} " + op + " ?";
      String frag = presentThenBind(key, cond, List.of(v));
      sb.append(frag);
      return;
    }
    String s = (String) c.value();
    String cond = switch (c.op()) {
      case EQ -> "{v} = ?";
      case NE -> "{v} <> ?";
      case LIKE -> dialect == Dialect.SQLITE ? "mlops_like({v}, ?, 0) = 1" : "{v} LIKE ?";
      case ILIKE -> dialect == Dialect.SQLITE ? "mlops_like({v}, ?, 1) = 1" : "{v} ILIKE ?";
      default -> throw new IllegalStateException(c.op().toString());
    };
    sb.append(presentThenBind(key, cond, List.of(s)));
  }

  private String presentThenBind(Key key, String cond, List<Object> binds) {
    String frag = present(key, cond);
    params.addAll(binds);
    return frag;
  }

  private void inList(Expr.In in, StringBuilder sb) {
    Key key = in.key();
    List<Object> values = new ArrayList<>();
    for (Object v : in.values()) {
      if (!(v instanceof Double d && d.isNaN())) {
        values.add(v);
      }
    }
    if (values.isEmpty()) {
      sb.append(in.negated() ? present(key, null) : "1=0");
      return;
    }
    String marks = "?" + ", ?".repeat(values.size() - 1);
    String cond = in.negated()
        ? (key.numeric() ? "({nan} = 1 OR {v} NOT IN (" + marks + "))" : "{v} NOT IN (" + marks + ")")
        : (key.numeric() ? "{nan} IN (0, 2) AND {v} IN (" + marks + ")" : "{v} IN (" + marks + ")");
    sb.append(presentThenBind(key, cond, values));
  }

  /**
   * Select expressions, joins and ORDER BY for an ordering: for key i a rank column {@code k<i>r}
   * (0 value, 1 NaN, 2 missing) and a value column {@code k<i>v}.
   */
  record Ordering(String columns, String joins, List<Object> joinParams, String orderBy) {}

  Ordering ordering(List<OrderBy> order) {
    StringBuilder cols = new StringBuilder();
    StringBuilder joins = new StringBuilder();
    List<Object> joinParams = new ArrayList<>();
    StringBuilder ob = new StringBuilder();
    String collate = dialect == Dialect.POSTGRES ? " COLLATE \"C\"" : "";
    for (int i = 0; i < order.size(); i++) {
      Key key = order.get(i).key();
      String a = "o" + i;
      String rank;
      String value;
      switch (key.kind()) {
        case METRIC -> {
          joins.append(" LEFT JOIN latest_metrics ").append(a).append(" ON ").append(a).append(".run_key = r.run_key AND ")
              .append(a).append(".key = ?");
          joinParams.add(key.name());
          rank = "CASE WHEN " + a + ".run_key IS NULL THEN 2 WHEN " + a + ".is_nan = 1 THEN 1 ELSE 0 END";
          value = "COALESCE(" + a + ".value, 0)";
        }
        case PARAM, TAG -> {
          joins.append(" LEFT JOIN ").append(key.kind() == Key.Kind.PARAM ? "params " : "tags ").append(a).append(" ON ")
              .append(a).append(".run_key = r.run_key AND ").append(a).append(".key = ?");
          joinParams.add(key.name());
          rank = "CASE WHEN " + a + ".run_key IS NULL THEN 2 ELSE 0 END";
          value = "COALESCE(" + a + ".value, '')" + collate;
        }
        default -> {
          String col = attributeColumn(key.name());
          switch (key.name()) {
            case "end_time" -> {
              rank = "CASE WHEN r.end_time IS NULL THEN 2 ELSE 0 END";
              value = "COALESCE(r.end_time, 0)";
            }
            case "start_time" -> {
              rank = "0";
              value = col;
            }
            case "parent_run_id" -> {
              rank = "CASE WHEN r.parent_run_id = '' THEN 2 ELSE 0 END";
              value = col + collate;
            }
            default -> {
              rank = "0";
              value = col + collate;
            }
          }
        }
      }
      cols.append(", ").append(rank).append(" AS k").append(i).append("r, ").append(value).append(" AS k").append(i).append('v');
      // a constant rank orders nothing; leaving it out lets an index on the value give the order
      if (!rank.equals("0")) {
        ob.append("k").append(i).append("r, ");
      }
      ob.append("k").append(i).append('v').append(order.get(i).ascending() ? " ASC" : " DESC").append(", ");
    }
    ob.append("run_id").append(collate).append(" ASC");
    return new Ordering(cols.toString(), joins.toString(), joinParams, ob.toString());
  }

  /** The keyset condition "row comes after {@code after}" over the columns of {@link #ordering}. */
  String after(List<OrderBy> order, SortKey after) {
    StringBuilder sb = new StringBuilder("(");
    StringBuilder prefix = new StringBuilder();
    List<Object> prefixParams = new ArrayList<>();
    String collate = dialect == Dialect.POSTGRES ? " COLLATE \"C\"" : "";
    for (int i = 0; i < order.size(); i++) {
      int rank = after.ranks()[i];
      String r = "k" + i + "r";
      String v = "k" + i + "v";
      sb.append('(').append(prefix);
      params.addAll(prefixParams);
      if (rank > 0) {
        sb.append(r).append(" > ").append(rank).append(") OR ");
        prefix.append(r).append(" = ").append(rank).append(" AND ");
      } else {
        String cmp = order.get(i).ascending() ? " > ?" : " < ?";
        sb.append("(").append(r).append(" > 0 OR (").append(r).append(" = 0 AND ").append(v).append(cmp).append(")))").append(" OR ");
        params.add(after.values()[i]);
        prefix.append(r).append(" = 0 AND ").append(v).append(" = ? AND ");
        prefixParams.add(after.values()[i]);
      }
    }
    sb.append('(').append(prefix).append("run_id").append(collate).append(" > ?))");
    params.addAll(prefixParams);
    params.add(after.id());
    return sb.toString();
  }
}
