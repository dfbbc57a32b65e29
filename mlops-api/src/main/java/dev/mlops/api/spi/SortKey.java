package dev.mlops.api.spi;

import org.jspecify.annotations.Nullable;
import dev.mlops.api.internal.Validation;
import dev.mlops.api.search.Accessor;
import dev.mlops.api.search.OrderBy;
import dev.mlops.api.InvalidArgumentException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The position of one row in an ordering: per ORDER BY key a rank (0 a value, 1 NaN, 2 missing)
 * and the value, then the row's id. Rows compare rank first (so NaN and missing sort last in both
 * directions), then value in the key's direction, then id ascending. Page tokens are an encoded
 * SortKey of the last row returned plus a fingerprint of the query, so a token is only accepted by
 * the query that made it.
 *
 * @param ranks one rank per ORDER BY key
 * @param values one value per key: a {@link Double}, a {@link String}, or null when rank &gt; 0
 * @param id the row id, the final tie-breaker
 */
public record SortKey(int[] ranks, @Nullable Object[] values, String id) {
  /** Rank of a present, non-NaN value. */
  public static final int PRESENT = 0;
  /** Rank of NaN. */
  public static final int NAN = 1;
  /** Rank of a missing value. */
  public static final int MISSING = 2;

  /** Builds the sort key of one row from its accessor. */
  public static SortKey of(List<OrderBy> order, Accessor accessor, String id) {
    int[] ranks = new int[order.size()];
    Object[] values = new Object[order.size()];
    for (int i = 0; i < order.size(); i++) {
      List<Object> vs = accessor.values(order.get(i).key());
      if (vs.isEmpty()) {
        ranks[i] = MISSING;
      } else if (vs.get(0) instanceof Double d && d.isNaN()) {
        ranks[i] = NAN;
      } else {
        values[i] = vs.get(0);
      }
    }
    return new SortKey(ranks, values, id);
  }

  /** Compares two positions under {@code order}. */
  public static int compare(List<OrderBy> order, SortKey a, SortKey b) {
    for (int i = 0; i < order.size(); i++) {
      int c = Integer.compare(a.ranks[i], b.ranks[i]);
      if (c != 0) {
        return c;
      }
      if (a.ranks[i] == PRESENT) {
        c = compareValues(a.values[i], b.values[i]);
        if (c != 0) {
          return order.get(i).ascending() ? c : -c;
        }
      }
    }
    return a.id.compareTo(b.id);
  }

  private static int compareValues(Object a, Object b) {
    if (a instanceof Double x && b instanceof Double y) {
      return x < y ? -1 : (x > y ? 1 : 0);
    }
    return a.toString().compareTo(b.toString());
  }

  /** Encodes this position with the query fingerprint into an opaque token. */
  public String toToken(String fingerprint) {
    StringBuilder sb = new StringBuilder();
    sb.append(fingerprint).append('\n').append(escape(id));
    for (int i = 0; i < ranks.length; i++) {
      sb.append('\n').append(ranks[i]);
      if (ranks[i] == PRESENT) {
        sb.append(values[i] instanceof Double d ? "d" + Long.toHexString(Double.doubleToRawLongBits(d)) : "s" + escape(values[i].toString()));
      }
    }
    return Base64.getUrlEncoder().withoutPadding().encodeToString(sb.toString().getBytes(StandardCharsets.UTF_8));
  }

  /** Decodes a token made by {@link #toToken}; throws {@link InvalidArgumentException} if it is malformed or from another query. */
  public static SortKey fromToken(String token, String fingerprint, int keys) {
    try {
      String text = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
      String[] lines = text.split("\n", -1);
      if (lines.length != keys + 2 || !lines[0].equals(fingerprint)) {
        throw new IllegalArgumentException("token from another query");
      }
      String id = unescape(lines[1]);
      int[] ranks = new int[keys];
      Object[] values = new Object[keys];
      for (int i = 0; i < keys; i++) {
        String l = lines[i + 2];
        ranks[i] = l.charAt(0) - '0';
        if (ranks[i] < 0 || ranks[i] > 2) {
          throw new IllegalArgumentException("rank");
        }
        if (ranks[i] == PRESENT) {
          char kind = l.charAt(1);
          if (kind == 'd') {
            values[i] = Double.longBitsToDouble(Long.parseUnsignedLong(l.substring(2), 16));
          } else if (kind == 's') {
            values[i] = unescape(l.substring(2));
          } else {
            throw new IllegalArgumentException("kind");
          }
        } else if (l.length() != 1) {
          throw new IllegalArgumentException("value for absent rank");
        }
      }
      return new SortKey(ranks, values, id);
    } catch (RuntimeException e) {
      throw new InvalidArgumentException("page token " + dev.mlops.api.internal.Validation.quote(token)
          + " is not a token of this search (was the filter, order or experiment list changed?)", e);
    }
  }

  /** A fingerprint of a query, to bind tokens to it. */
  public static String fingerprint(Object... parts) {
    StringBuilder sb = new StringBuilder();
    for (Object p : parts) {
      sb.append(p).append('\u0001');
    }
    return Integer.toHexString(sb.toString().hashCode());
  }

  private static String escape(String s) {
    return s.replace("\\", "\\\\").replace("\n", "\\n");
  }

  private static String unescape(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 1 < s.length()) {
        char n = s.charAt(++i);
        sb.append(n == 'n' ? '\n' : n);
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  /** Pages through rows already filtered: sorts, skips up to the token, takes {@code max}. */
  public static <T> PageSlice<T> page(List<T> rows, List<OrderBy> order, java.util.function.Function<T, SortKey> keyOf,
      @Nullable SortKey after, int max) {
    List<Object[]> keyed = new ArrayList<>(rows.size());
    for (T r : rows) {
      SortKey k = keyOf.apply(r);
      if (after == null || compare(order, k, after) > 0) {
        keyed.add(new Object[] {k, r});
      }
    }
    keyed.sort((x, y) -> compare(order, (SortKey) x[0], (SortKey) y[0]));
    List<T> out = new ArrayList<>();
    SortKey last = null;
    for (int i = 0; i < Math.min(max, keyed.size()); i++) {
      @SuppressWarnings("unchecked")
      T r = (T) keyed.get(i)[1];
      out.add(r);
      last = (SortKey) keyed.get(i)[0];
    }
    return new PageSlice<>(out, keyed.size() > max ? last : null);
  }

  /**
   * A page of rows and the position of its last row when more rows follow.
   *
   * @param rows the page
   * @param next the last row's position, or null on the last page
   */
  public record PageSlice<T>(List<T> rows, @Nullable SortKey next) {}

  @Override
  public boolean equals(Object o) {
    return o instanceof SortKey k && java.util.Arrays.equals(ranks, k.ranks) && java.util.Arrays.equals(values, k.values) && id.equals(k.id);
  }

  @Override
  public int hashCode() {
    return java.util.Arrays.hashCode(ranks) * 31 + id.hashCode();
  }

  @Override
  public String toString() {
    return java.util.Arrays.toString(ranks) + java.util.Arrays.toString(values) + id;
  }
}
