package dev.mlops.api.search;

import java.util.List;

/** A parsed filter expression. Immutable; print with {@code toString()} and parse back to an equal tree. */
public sealed interface Expr permits Expr.And, Expr.Or, Expr.Not, Expr.Compare, Expr.In, Expr.IsNull, Expr.True {

  /** Comparison operators. */
  enum Op {
    /** {@code =} */
    EQ("="),
    /** {@code !=} */
    NE("!="),
    /** {@code <} */
    LT("<"),
    /** {@code <=} */
    LE("<="),
    /** {@code >} */
    GT(">"),
    /** {@code >=} */
    GE(">="),
    /** {@code LIKE}, case-sensitive, {@code %} and {@code _} wildcards */
    LIKE("LIKE"),
    /** {@code ILIKE}, {@code LIKE} ignoring case */
    ILIKE("ILIKE");

    final String symbol;

    Op(String symbol) {
      this.symbol = symbol;
    }

    /** The operator as written in a filter. */
    public String symbol() {
      return symbol;
    }
  }

  /** Matches everything (the empty filter). */
  record True() implements Expr {
    @Override
    public String toString() {
      return "";
    }
  }

  /** All parts match. */
  record And(List<Expr> parts) implements Expr {
    /** The canonical constructor: collections are copied and immutable. */
    public And {
      parts = List.copyOf(parts);
    }

    @Override
    public String toString() {
      return join(parts, " AND ");
    }
  }

  /** At least one part matches. */
  record Or(List<Expr> parts) implements Expr {
    /** The canonical constructor: collections are copied and immutable. */
    public Or {
      parts = List.copyOf(parts);
    }

    @Override
    public String toString() {
      return join(parts, " OR ");
    }
  }

  /** The inner expression does not match. */
  record Not(Expr inner) implements Expr {
    @Override
    public String toString() {
      return "NOT (" + inner + ")";
    }
  }

  /**
   * {@code key op value}. The value is a {@link Double} for numeric keys and a {@link String}
   * otherwise. A missing key never matches.
   */
  record Compare(Key key, Op op, Object value) implements Expr {
    @Override
    public String toString() {
      return key + " " + op.symbol + " " + literal(value);
    }
  }

  /** {@code key [NOT] IN (v1, v2, ...)}. A missing key matches neither form. */
  record In(Key key, boolean negated, List<Object> values) implements Expr {
    /** The canonical constructor: collections are copied and immutable. */
    public In {
      values = List.copyOf(values);
    }

    @Override
    public String toString() {
      StringBuilder sb = new StringBuilder().append(key).append(negated ? " NOT IN (" : " IN (");
      for (int i = 0; i < values.size(); i++) {
        sb.append(i == 0 ? "" : ", ").append(literal(values.get(i)));
      }
      return sb.append(')').toString();
    }
  }

  /** {@code key IS [NOT] NULL}: whether the key is absent. */
  record IsNull(Key key, boolean negated) implements Expr {
    @Override
    public String toString() {
      return key + (negated ? " IS NOT NULL" : " IS NULL");
    }
  }

  private static String join(List<Expr> parts, String sep) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < parts.size(); i++) {
      sb.append(i == 0 ? "(" : sep).append(parts.get(i));
    }
    return sb.append(')').toString();
  }

  private static String literal(Object value) {
    if (value instanceof Double d) {
      return Double.toString(d);
    }
    return "'" + value.toString().replace("\\", "\\\\").replace("'", "\\'") + "'";
  }
}
