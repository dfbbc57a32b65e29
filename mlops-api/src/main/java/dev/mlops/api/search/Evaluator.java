package dev.mlops.api.search;

import java.util.List;

/**
 * Evaluates a filter in memory. Comparisons are existential over a key's values (a run matches
 * {@code datasets.name = 'x'} if any of its datasets is named x); a missing key matches no
 * comparison, {@code IN} or {@code NOT IN}. NaN follows IEEE 754: it equals nothing and is unequal
 * to everything. Iterative over AND/OR lists; nesting is bounded by the parser.
 */
public final class Evaluator {
  private Evaluator() {}

  /** Whether the entity seen through {@code accessor} matches {@code expr}. */
  public static boolean test(Expr expr, Accessor accessor) {
    if (expr instanceof Expr.True) {
      return true;
    }
    if (expr instanceof Expr.And and) {
      for (Expr e : and.parts()) {
        if (!test(e, accessor)) {
          return false;
        }
      }
      return true;
    }
    if (expr instanceof Expr.Or or) {
      for (Expr e : or.parts()) {
        if (test(e, accessor)) {
          return true;
        }
      }
      return false;
    }
    if (expr instanceof Expr.Not not) {
      return !test(not.inner(), accessor);
    }
    if (expr instanceof Expr.IsNull isNull) {
      return accessor.values(isNull.key()).isEmpty() != isNull.negated();
    }
    if (expr instanceof Expr.In in) {
      for (Object v : accessor.values(in.key())) {
        boolean contained = false;
        for (Object candidate : in.values()) {
          if (equal(v, candidate)) {
            contained = true;
            break;
          }
        }
        if (contained != in.negated()) {
          return true;
        }
      }
      return false;
    }
    Expr.Compare c = (Expr.Compare) expr;
    for (Object v : accessor.values(c.key())) {
      if (compare(v, c.op(), c.value())) {
        return true;
      }
    }
    return false;
  }

  private static boolean equal(Object a, Object b) {
    if (a instanceof Double x && b instanceof Double y) {
      return x.doubleValue() == y.doubleValue();
    }
    return a.equals(b);
  }

  private static boolean compare(Object actual, Expr.Op op, Object expected) {
    if (actual instanceof Double a && expected instanceof Double b) {
      double x = a;
      double y = b;
      return switch (op) {
        case EQ -> x == y;
        case NE -> x != y;
        case LT -> x < y;
        case LE -> x <= y;
        case GT -> x > y;
        case GE -> x >= y;
        default -> false;
      };
    }
    String s = actual.toString();
    String t = expected.toString();
    return switch (op) {
      case EQ -> s.equals(t);
      case NE -> !s.equals(t);
      case LIKE -> Like.matches(s, t, false);
      case ILIKE -> Like.matches(s, t, true);
      default -> false;
    };
  }

  /** Convenience for single-valued accessors. */
  public static List<Object> one(Object value) {
    return value == null ? List.of() : List.of(value);
  }
}
