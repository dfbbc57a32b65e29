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

  /**
   * Parses {@code "metrics.acc DESC"}, {@code "params.lr"}, {@code "start_time ASC"}: a key,
   * optionally whitespace and ASC or DESC (any case), and nothing else, as MLflow accepts them.
   *
   * @throws InvalidArgumentException for anything after the key but a direction (a comparison, a
   *     misspelt direction, trailing whitespace)
   */
  public static OrderBy parse(String clause) {
    if (clause == null || clause.isBlank()) {
      throw InvalidArgumentException.of("order by clause", clause, "must name a key, optionally followed by ASC or DESC");
    }
    if (!clause.equals(clause.stripTrailing())) {
      throw InvalidArgumentException.of("order by clause", clause, "must not end with whitespace");
    }
    FilterParser.KeyAndRest parsed;
    try {
      parsed = FilterParser.parseKeyPrefix(clause.stripLeading());
    } catch (InvalidArgumentException e) {
      throw new InvalidArgumentException("invalid order by clause '" + clause + "': " + e.getMessage(), e);
    }
    if (parsed.key().kind() == Key.Kind.DATASET) {
      throw InvalidArgumentException.of("order by clause", clause, "cannot order by a dataset field");
    }
    String rest = parsed.rest();
    boolean asc;
    if (rest.isEmpty()) {
      asc = true;
    } else if (!Character.isWhitespace(rest.charAt(0))) {
      throw InvalidArgumentException.of("order by clause", clause, "must be a key, optionally followed by ASC or DESC");
    } else {
      String dir = rest.strip().toUpperCase(Locale.ROOT);
      if (dir.equals("ASC")) {
        asc = true;
      } else if (dir.equals("DESC")) {
        asc = false;
      } else {
        throw InvalidArgumentException.of("order by clause", clause, "has '" + rest.strip() + "' after the key; expected ASC or DESC");
      }
    }
    return new OrderBy(parsed.key(), asc);
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
    java.util.Set<Key> seen = new java.util.HashSet<>();
    for (String s : clauses) {
      OrderBy o = parse(s);
      if (!seen.add(o.key())) {
        throw InvalidArgumentException.of("order by", clauses, "names " + o.key() + " twice");
      }
      out.add(o);
    }
    return List.copyOf(out);
  }

  @Override
  public String toString() {
    return key + (ascending ? " ASC" : " DESC");
  }
}
