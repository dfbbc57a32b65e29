package dev.mlops.api.search;

import dev.mlops.api.InvalidArgumentException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One ORDER BY key. Missing values and NaN sort last whichever the direction; ties are broken by
 * the next key and finally by run id ascending.
 *
 * @param key what to sort by (not a dataset field)
 * @param ascending the direction
 */
public record OrderBy(Key key, boolean ascending) {
  /** The default order: newest runs first. */
  public static final List<OrderBy> DEFAULT = List.of(new OrderBy(new Key(Key.Kind.ATTRIBUTE, "start_time"), false));

  /** Most ORDER BY keys accepted. */
  public static final int MAX_KEYS = 16;

  /** Parses {@code "metrics.acc DESC"}, {@code "params.lr"}, {@code "start_time ASC"}. */
  public static OrderBy parse(String clause) {
    if (clause == null || clause.isBlank()) {
      throw InvalidArgumentException.of("order by clause", clause, "must name a key, optionally followed by ASC or DESC");
    }
    String c = clause.strip();
    boolean asc = true;
    String upper = c.toUpperCase(Locale.ROOT);
    if (upper.endsWith(" DESC")) {
      asc = false;
      c = c.substring(0, c.length() - 5).strip();
    } else if (upper.endsWith(" ASC")) {
      c = c.substring(0, c.length() - 4).strip();
    }
    Key key;
    try {
      key = FilterParser.parseKey(c, false);
    } catch (InvalidArgumentException e) {
      throw new InvalidArgumentException("invalid order by clause '" + clause + "': " + e.getMessage(), e);
    }
    return new OrderBy(key, asc);
  }

  /** Parses a list of clauses; an empty or null list gives {@link #DEFAULT}. */
  public static List<OrderBy> parseAll(List<String> clauses) {
    if (clauses == null || clauses.isEmpty()) {
      return DEFAULT;
    }
    if (clauses.size() > MAX_KEYS) {
      throw InvalidArgumentException.of("order by", clauses.size() + " keys", "at most " + MAX_KEYS + " keys");
    }
    List<OrderBy> out = new ArrayList<>();
    for (String s : clauses) {
      out.add(parse(s));
    }
    return List.copyOf(out);
  }

  @Override
  public String toString() {
    return key + (ascending ? " ASC" : " DESC");
  }
}
