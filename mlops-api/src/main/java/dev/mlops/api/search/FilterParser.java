package dev.mlops.api.search;

import dev.mlops.api.InvalidArgumentException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Parses the run filter language: MLflow's grammar plus {@code OR}, parentheses, {@code NOT},
 * {@code IN}, {@code NOT IN}, {@code IS [NOT] NULL}.
 *
 * <pre>
 * filter    := orExpr?
 * orExpr    := andExpr ('OR' andExpr)*
 * andExpr   := notExpr ('AND' notExpr)*
 * notExpr   := 'NOT' notExpr | '(' orExpr ')' | predicate
 * predicate := key ( op value | ['NOT'] 'IN' '(' value (',' value)* ')' | 'IS' ['NOT'] 'NULL'
 *                  | ['NOT'] ('LIKE' | 'ILIKE') string )
 * key       := prefix '.' name | attribute       prefix: metrics params tags attributes datasets
 * </pre>
 *
 * <p>Every failure is an {@link InvalidArgumentException} that names the position and what was
 * expected. Input length, nesting depth and the number of predicates are bounded, so no input can
 * hang the parser or exhaust the stack. Thread-safe: a parser object is made per call.
 */
public final class FilterParser {
  /** Longest filter accepted, in characters. */
  public static final int MAX_LENGTH = 65_536;
  /** Deepest nesting of parentheses and NOT accepted. */
  public static final int MAX_DEPTH = 64;
  /** Most predicates in one filter. */
  public static final int MAX_PREDICATES = 500;

  /** Which entity a filter is about, deciding the attribute names it accepts. */
  public enum Vocabulary {
    /** Runs: {@code run_id, run_name, status, user, start_time, end_time, ...}, metrics, params, tags, datasets. */
    RUNS,
    /** Registered models: {@code name, description, creation_time, last_updated_time} and tags. */
    MODELS,
    /**
     * MLflow 3's logged models: {@code name, model_id, model_type, status, source_run_id},
     * {@code creation_timestamp} and {@code last_updated_timestamp} (also spelt {@code creation_time},
     * {@code last_updated_time}), metrics, params and tags; no dataset fields.
     */
    LOGGED_MODELS
  }

  private final String src;
  private final Vocabulary vocabulary;
  private int pos;
  private int depth;
  private int predicates;

  private FilterParser(String src, Vocabulary vocabulary) {
    this.src = src;
    this.vocabulary = vocabulary;
  }

  /** Parses a filter; null or blank means "match everything". */
  public static Expr parse(String filter) {
    return parse(filter, Vocabulary.RUNS);
  }

  /** Parses a filter about the entities of {@code vocabulary}. */
  public static Expr parse(String filter, Vocabulary vocabulary) {
    if (filter == null || filter.isBlank()) {
      return new Expr.True();
    }
    if (filter.length() > MAX_LENGTH) {
      throw new InvalidArgumentException("filter has length " + filter.length() + ", over the limit of " + MAX_LENGTH);
    }
    FilterParser p = new FilterParser(filter, vocabulary);
    Expr e = p.orExpr();
    p.skipSpace();
    if (p.pos < p.src.length()) {
      throw p.error("AND, OR, ')' or the end of the filter");
    }
    return e;
  }

  /** Parses a key such as {@code metrics.acc} or {@code start_time}, as used in ORDER BY. */
  /** A key read from the start of a text, and the text after it. */
  record KeyAndRest(Key key, String rest) {}

  /** Reads one key from the start of {@code text} (run vocabulary) and returns it with the rest of the text, unread. */
  static KeyAndRest parseKeyPrefix(String text) {
    FilterParser p = new FilterParser(text, Vocabulary.RUNS);
    Key k = p.key();
    return new KeyAndRest(k, text.substring(p.pos));
  }



  private Expr orExpr() {
    List<Expr> parts = new ArrayList<>();
    parts.add(andExpr());
    while (keyword("OR")) {
      parts.add(andExpr());
    }
    return parts.size() == 1 ? parts.get(0) : new Expr.Or(parts);
  }

  private Expr andExpr() {
    List<Expr> parts = new ArrayList<>();
    parts.add(notExpr());
    while (keyword("AND")) {
      parts.add(notExpr());
    }
    return parts.size() == 1 ? parts.get(0) : new Expr.And(parts);
  }

  private Expr notExpr() {
    if (++depth > MAX_DEPTH) {
      throw error("at most " + MAX_DEPTH + " levels of nesting");
    }
    try {
      if (keyword("NOT")) {
        return new Expr.Not(notExpr());
      }
      skipSpace();
      if (peek() == '(') {
        pos++;
        Expr e = orExpr();
        expectChar(')', "')'");
        return e;
      }
      return predicate();
    } finally {
      depth--;
    }
  }

  private Expr predicate() {
    if (++predicates > MAX_PREDICATES) {
      throw error("at most " + MAX_PREDICATES + " comparisons in one filter");
    }
    Key key = key();
    int opPos = skipSpace();
    if (keyword("IS")) {
      boolean negated = keyword("NOT");
      if (!keyword("NULL")) {
        throw error("NULL");
      }
      return new Expr.IsNull(key, negated);
    }
    boolean not = keyword("NOT");
    if (keyword("IN")) {
      expectChar('(', "'(' after IN");
      List<Object> values = new ArrayList<>();
      do {
        values.add(value(key));
        if (++predicates > MAX_PREDICATES) {
          throw error("at most " + MAX_PREDICATES + " values in one filter");
        }
      } while (tryChar(','));
      expectChar(')', "',' or ')'");
      return new Expr.In(key, not, values);
    }
    Expr.Op op;
    if (keyword("LIKE")) {
      op = Expr.Op.LIKE;
    } else if (keyword("ILIKE")) {
      op = Expr.Op.ILIKE;
    } else if (not) {
      throw error("IN, LIKE or ILIKE after NOT");
    } else {
      op = symbolOp();
    }
    if ((op == Expr.Op.LIKE || op == Expr.Op.ILIKE) && key.numeric()) {
      throw errorAt(opPos, "a comparison operator (= != < <= > >=): " + key + " is numeric and cannot use " + op.symbol());
    }
    if (!key.numeric() && op != Expr.Op.EQ && op != Expr.Op.NE && op != Expr.Op.LIKE && op != Expr.Op.ILIKE) {
      throw errorAt(opPos, "=, !=, LIKE or ILIKE: " + key + " is a string and cannot use " + op.symbol());
    }
    Object v = value(key);
    Expr e = new Expr.Compare(key, op, v);
    return not ? new Expr.Not(e) : e;
  }

  private Expr.Op symbolOp() {
    skipSpace();
    int start = pos;
    char c = peek();
    if (c == '=') {
      pos++;
      if (peek() == '=') {
        pos++;
      }
      return Expr.Op.EQ;
    }
    if (c == '!' && peekAt(1) == '=') {
      pos += 2;
      return Expr.Op.NE;
    }
    if (c == '<') {
      pos++;
      if (peek() == '=') {
        pos++;
        return Expr.Op.LE;
      }
      if (peek() == '>') {
        pos++;
        return Expr.Op.NE;
      }
      return Expr.Op.LT;
    }
    if (c == '>') {
      pos++;
      if (peek() == '=') {
        pos++;
        return Expr.Op.GE;
      }
      return Expr.Op.GT;
    }
    pos = start;
    throw error("a comparison operator (=, !=, <, <=, >, >=, LIKE, ILIKE, IN, NOT IN, IS NULL, IS NOT NULL)");
  }

  private Object value(Key key) {
    skipSpace();
    int start = pos;
    char c = peek();
    if (c == '\'' || c == '"') {
      if (key.numeric()) {
        throw error("a number: " + key + " is numeric");
      }
      return quoted(c);
    }
    if (c == '-' || c == '+' || c == '.' || Character.isDigit(c) || Character.isLetter(c)) {
      if (!key.numeric()) {
        throw error("a quoted string: " + key + " is a string (write '...')");
      }
      pos++;
      while (pos < src.length() && isNumberChar(src.charAt(pos))) {
        pos++;
      }
      String text = src.substring(start, pos);
      try {
        return switch (text.toLowerCase(Locale.ROOT)) {
          case "nan" -> Double.NaN;
          case "inf", "infinity", "+inf", "+infinity" -> Double.POSITIVE_INFINITY;
          case "-inf", "-infinity" -> Double.NEGATIVE_INFINITY;
          default -> {
            if (!text.matches("[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?")) {
              throw new NumberFormatException(text);
            }
            yield Double.parseDouble(text);
          }
        };
      } catch (NumberFormatException e) {
        pos = start;
        throw error("a number, found '" + text + "'");
      }
    }
    throw error(key.numeric() ? "a number" : "a quoted string");
  }

  private static boolean isNumberChar(char c) {
    return Character.isLetterOrDigit(c) || c == '.' || c == '-' || c == '+';
  }

  private Key key() {
    skipSpace();
    int start = pos;
    char c = peek();
    String word;
    if (c == '`' || c == '"') {
      String name = quoted(c);
      if (c == '`' && peek() == '.') {
        // MLflow accepts a backtick-quoted prefix: `metrics`.a, `tags`.x
        word = name;
      } else {
        Key k = Key.attributeOrNull(name, vocabulary);
        if (k == null) {
          pos = start;
          throw error(Key.attributeNames(vocabulary));
        }
        return k;
      }
    } else {
      if (!(Character.isLetter(c) || c == '_')) {
        throw error("a key such as metrics.name, params.name, tags.name, attributes.name or datasets.name");
      }
      while (pos < src.length() && (Character.isLetterOrDigit(src.charAt(pos)) || src.charAt(pos) == '_')) {
        pos++;
      }
      word = src.substring(start, pos);
    }
    if (peek() == '.') {
      Key.Kind kind = Key.kindOfPrefix(word);
      if (kind == null || vocabulary == Vocabulary.MODELS && kind != Key.Kind.TAG && kind != Key.Kind.ATTRIBUTE
          || vocabulary == Vocabulary.LOGGED_MODELS && kind == Key.Kind.DATASET) {
        pos = start;
        throw error(switch (vocabulary) {
          case MODELS -> "tags. or a model attribute";
          case LOGGED_MODELS -> "a key prefix (metrics., params., tags., attributes.; a logged model's datasets are the request's datasets field)";
          case RUNS -> "a key prefix (metrics., params., tags., attributes., datasets.)";
        } + ", found '" + word + ".'");
      }
      pos++;
      String name;
      int nameStart = pos;
      if (peek() == '`' || peek() == '"') {
        name = quoted(peek());
      } else {
        while (pos < src.length() && isKeyChar(src.charAt(pos))) {
          pos++;
        }
        name = src.substring(nameStart, pos);
      }
      if (name.isEmpty()) {
        pos = nameStart;
        throw error("a name after '" + word + ".'");
      }
      return switch (kind) {
        case ATTRIBUTE -> {
          Key k = Key.attributeOrNull(name, vocabulary);
          if (k == null) {
            pos = nameStart;
            throw error(Key.attributeNames(vocabulary) + ", found '" + name + "'");
          }
          yield k;
        }
        case DATASET -> {
          String f = name.toLowerCase(Locale.ROOT);
          if (!Key.DATASET_FIELDS.contains(f)) {
            pos = nameStart;
            throw error("a dataset field " + Key.DATASET_FIELDS + ", found '" + name + "'");
          }
          yield new Key(Key.Kind.DATASET, f);
        }
        default -> new Key(kind, name);
      };
    }
    Key k = Key.attributeOrNull(word, vocabulary);
    if (k == null) {
      pos = start;
      throw error(vocabulary == Vocabulary.RUNS ? "a key such as metrics.name, params.name, tags.name or a run attribute, found '" + word + "'"
          : Key.attributeNames(vocabulary) + " or tags.name, found '" + word + "'");
    }
    return k;
  }

  private static boolean isKeyChar(char c) {
    return Character.isLetterOrDigit(c) || c == '_' || c == '.' || c == '-' || c == '/' || c == ':';
  }

  private String quoted(char quote) {
    int start = pos;
    pos++;
    StringBuilder sb = new StringBuilder();
    while (pos < src.length()) {
      char c = src.charAt(pos++);
      if (c == '\\' && pos < src.length()) {
        sb.append(src.charAt(pos++));
      } else if (c == quote) {
        if (pos < src.length() && src.charAt(pos) == quote) {
          sb.append(quote);
          pos++;
        } else {
          return sb.toString();
        }
      } else {
        sb.append(c);
      }
    }
    pos = start;
    throw error("a closing " + quote + " for the quoted text starting here");
  }

  private boolean keyword(String word) {
    skipSpace();
    int end = pos + word.length();
    if (end <= src.length() && src.regionMatches(true, pos, word, 0, word.length())
        && (end == src.length() || !(Character.isLetterOrDigit(src.charAt(end)) || src.charAt(end) == '_'))) {
      pos = end;
      return true;
    }
    return false;
  }

  private boolean tryChar(char c) {
    skipSpace();
    if (peek() == c) {
      pos++;
      return true;
    }
    return false;
  }

  private void expectChar(char c, String expected) {
    if (!tryChar(c)) {
      throw error(expected);
    }
  }

  private int skipSpace() {
    while (pos < src.length() && Character.isWhitespace(src.charAt(pos))) {
      pos++;
    }
    return pos;
  }

  private char peek() {
    return pos < src.length() ? src.charAt(pos) : '\0';
  }

  private char peekAt(int offset) {
    return pos + offset < src.length() ? src.charAt(pos + offset) : '\0';
  }

  private InvalidArgumentException error(String expected) {
    return errorAt(pos, expected);
  }

  private InvalidArgumentException errorAt(int at, String expected) {
    String found = at >= src.length() ? "end of filter" : "'" + src.substring(at, Math.min(src.length(), at + 20)) + "'";
    return new InvalidArgumentException("invalid filter at position " + at + ": expected " + expected + "; found " + found);
  }
}
