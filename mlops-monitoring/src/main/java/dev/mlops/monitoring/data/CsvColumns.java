package dev.mlops.monitoring.data;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.NumberInput;
import com.fasterxml.jackson.dataformat.csv.CsvFactory;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import dev.mlops.api.InvalidArgumentException;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.LongConsumer;
import org.jspecify.annotations.Nullable;

/**
 * Reads CSV into primitive columns in one streaming pass over the input (Jackson's CSV parser): each
 * cell is parsed once, into a {@code double[]} per column while the column holds numbers, into a
 * {@code String[]} of shared strings per categorical one, while the column's numbers and other values
 * are counted and the shape checked. No row is kept as text, so memory is the columns themselves.
 * An undeclared column that turns out categorical has only its rows before its first label read
 * again.
 */
final class CsvColumns {
  /** A source the reader can open more than once. */
  @FunctionalInterface
  interface Source {
    Reader open() throws IOException;
  }

  private static final CsvFactory FACTORY = CsvFactory.builder().enable(CsvParser.Feature.SKIP_EMPTY_LINES).build();

  private final Source source;
  /** The file behind {@code source}, which the fast path reads as bytes; null for text already in memory. */
  private final @Nullable Path file;
  private final String name;
  private final Set<String> categorical;
  private final Set<String> missingLower;
  private final int longestMissing;
  private final @Nullable LongConsumer progress;

  CsvColumns(Source source, @Nullable Path file, String name, Set<String> categorical, Set<String> missing,
      @Nullable LongConsumer progress) {
    this.source = source;
    this.file = file;
    this.name = name;
    this.categorical = categorical;
    Set<String> lower = new HashSet<>();
    int longest = 0;
    for (String m : missing) {
      String l = m.strip().toLowerCase(Locale.ROOT);
      lower.add(l);
      longest = Math.max(longest, l.length());
    }
    this.missingLower = lower;
    this.longestMissing = longest;
    this.progress = progress;
  }

  /** What the first pass learns about a column. */
  static final class Census {
    final String name;
    final boolean declared;
    long numbers;
    long others;
    int firstOtherLine = -1;
    @Nullable String firstOther;

    Census(String name, boolean declared) {
      this.name = name;
      this.declared = declared;
    }
  }

  /** A row visitor: cell by cell, then the end of the row. */
  interface Visitor {
    /** The checked header, before the first data row. */
    default void header(List<String> header) {}

    /** Cell {@code column} of the row on {@code line}: {@code len} chars of {@code buf} from {@code off}, only valid during the call. */
    void cell(int column, char[] buf, int off, int len, int line);

    void endRow(int cells, int line);
  }

  /**
   * One pass: the header (returned) and every data row to {@code visitor}; straight from the file's
   * bytes when it is simple CSV ({@link CsvBytes}), through Jackson's CSV parser otherwise.
   *
   * @throws CsvBytes.NotSimple when the fast path finds that the file is not simple CSV; the
   *     visitor has seen some rows and the pass must start again with {@code general}
   */
  private List<String> pass(Visitor visitor, @Nullable LongConsumer progress, boolean general) throws IOException {
    if (file != null && !general) {
      return CsvBytes.pass(file, name, visitor, h -> checkHeader(h), progress);
    }
    List<String> header = new ArrayList<>();
    try (Reader r = source.open(); JsonParser p = FACTORY.createParser(r)) {
      int column = 0;
      int line = 0;
      boolean inHeader = true;
      long rows = 0;
      JsonToken t;
      while ((t = next(p, line)) != null) {
        if (t == JsonToken.START_ARRAY) {
          column = 0;
          line = p.currentLocation().getLineNr();
        } else if (t == JsonToken.VALUE_STRING) {
          if (inHeader) {
            header.add(p.getText());
          } else {
            visitor.cell(column, p.getTextCharacters(), p.getTextOffset(), p.getTextLength(), line);
          }
          column++;
        } else if (t == JsonToken.END_ARRAY) {
          if (inHeader) {
            inHeader = false;
            checkHeader(header);
            visitor.header(header);
          } else {
            visitor.endRow(column, line);
            if (progress != null && ++rows % 100_000 == 0) {
              progress.accept(rows);
            }
          }
        }
      }
      if (inHeader) {
        throw InvalidArgumentException.of("csv file", name, "has no header row");
      }
    }
    return header;
  }

  /** The next token; a malformed file is an error naming the line its broken record starts on. */
  private JsonToken next(JsonParser p, int rowLine) throws IOException {
    try {
      return p.nextToken();
    } catch (JsonProcessingException e) {
      String why = e.getOriginalMessage();
      if (why != null && why.contains("closing quote")) {
        throw InvalidArgumentException.of("csv file", name, "line " + Math.max(1, rowLine) + " opens a quoted cell that is never closed");
      }
      int at = e.getLocation() == null ? -1 : e.getLocation().getLineNr();
      throw InvalidArgumentException.of("csv file", name, (at > 0 ? "line " + at + ": " : "") + why);
    }
  }

  private void checkHeader(List<String> header) {
    if (header.isEmpty() || header.stream().allMatch(String::isBlank)) {
      throw InvalidArgumentException.of("csv file", name, "has no header row");
    }
    if (header.get(0).startsWith("\uFEFF")) {
      header.set(0, header.get(0).substring(1));
    }
    for (int i = 0; i < header.size(); i++) {
      if (header.get(i).isBlank()) {
        throw InvalidArgumentException.of("csv file", name, "header column " + (i + 1) + " has no name");
      }
      header.set(i, header.get(i).strip());
    }
  }

  /** Whether the (stripped) cell is a missing value; makes a string only for a cell as short as the longest token. */
  private boolean isMissing(char[] b, int off, int len) {
    return len == 0 || len <= longestMissing && missingLower.contains(new String(b, off, len).toLowerCase(Locale.ROOT));
  }

  /** The offset of a cell's first char that is not white space (as {@link String#strip} sees it). */
  private static int stripStart(char[] b, int off, int len) {
    int i = off;
    while (i < off + len && Character.isWhitespace(b[i])) {
      i++;
    }
    return i;
  }

  /** The end of a cell without its trailing white space, from its stripped start {@code from}. */
  private static int stripEnd(char[] b, int from, int end) {
    int e = end;
    while (e > from && Character.isWhitespace(b[e - 1])) {
      e--;
    }
    return e;
  }

  /**
   * A (stripped, non-missing) cell's number, or {@code null} when it is not one. Rejects at once what
   * cannot start a number, without an exception; parses with FastDoubleParser (through Jackson), which
   * reads what {@link Double#parseDouble} reads and gives the same, correctly rounded, value.
   */
  static @Nullable Double number(String s) {
    double[] into = new double[1];
    return number(s.toCharArray(), 0, s.length(), into) ? into[0] : null;
  }

  /** Whether the (stripped, non-empty) cell is a number; if so, it is in {@code into[0]}. */
  private static boolean number(char[] b, int off, int len, double[] into) {
    char c = b[off];
    if (!(c >= '0' && c <= '9' || c == '-' || c == '+' || c == '.' || c == 'I' || c == 'N')) {
      return false;
    }
    char last = b[off + len - 1];
    if (last == 'f' || last == 'd' || last == 'F' || last == 'D') {
      return false;
    }
    try {
      into[0] = NumberInput.parseDouble(b, off, len, true);
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  /** Thrown by a visitor to end a pass early. */
  private static final class Stop extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Stop() {
      super(null, null, false, false);
    }
  }

  /**
   * One pass: numbers are parsed as they come into a {@code double[]} per column; a column declared
   * categorical keeps its (shared) strings, and so does an undeclared one from its first cell that is
   * not a number on. Only when such a column ends up categorical are its earlier rows read again, up
   * to that cell (a column of labels usually turns at its first row).
   */
  Table read() throws IOException {
    try {
      return read(false);
    } catch (CsvBytes.NotSimple e) {
      return read(true);
    }
  }

  private Table read(boolean general) throws IOException {
    GrowingColumns cols = new GrowingColumns();
    List<String> header = pass(new Visitor() {
      @Override
      public void header(List<String> names) {
        cols.start(names.size());
        for (int c = 0; c < names.size(); c++) {
          cols.census[c] = new Census(names.get(c), categorical.contains(names.get(c)));
          if (cols.census[c].declared) {
            cols.labels[c] = new String[cols.capacity];
            cols.labelsFrom[c] = 0;
          } else {
            cols.numbers[c] = new double[cols.capacity];
          }
        }
      }

      @Override
      public void cell(int column, char[] buf, int off, int len, int line) {
        if (column >= cols.census.length) {
          return; // counted as a shape error at the end of the row
        }
        Census c = cols.census[column];
        int from = stripStart(buf, off, len);
        int n = stripEnd(buf, from, off + len) - from;
        boolean missing = isMissing(buf, from, n);
        if (c.declared) {
          cols.labels[column][cols.rows] = missing ? null : cols.shared(buf, from, n);
          return;
        }
        boolean number = !missing && number(buf, from, n, cols.parsed);
        if (number) {
          c.numbers++;
        } else if (!missing) {
          c.others++;
          if (c.firstOther == null) {
            c.firstOther = new String(buf, from, n);
            c.firstOtherLine = line;
            cols.labels[column] = new String[cols.capacity];
            cols.labelsFrom[column] = cols.rows;
            cols.numbers[column] = null;
          }
        }
        if (cols.labelsFrom[column] < 0) {
          cols.numbers[column][cols.rows] = number ? cols.parsed[0] : Double.NaN;
        } else {
          cols.labels[column][cols.rows] = missing ? null : cols.shared(buf, from, n);
        }
      }

      @Override
      public void endRow(int cells, int line) {
        if (cells != cols.census.length) {
          throw InvalidArgumentException.of("csv file", name, "line " + line + " has " + cells + " cells, the header has " + cols.census.length);
        }
        if (cols.rows == Integer.MAX_VALUE - 8) {
          throw InvalidArgumentException.of("csv file", name, "has more than " + (Integer.MAX_VALUE - 8) + " rows; at most that many can be read");
        }
        cols.endRow();
      }
    }, progress, general);
    Census[] census = cols.census;
    int n = cols.rows;
    int reread = 0;
    for (int c = 0; c < census.length; c++) {
      Census k = census[c];
      if (!k.declared && k.others > 0 && k.numbers > k.others) {
        throw InvalidArgumentException.of("csv file", name, "line " + k.firstOtherLine + ", column '" + k.name + "': '" + k.firstOther
            + "' is not a number, but " + k.numbers + " of the column's " + (k.numbers + k.others) + " values are (" + k.others
            + " are not); declare the column categorical, list the token as a missing value, or fix the cell");
      }
      reread = Math.max(reread, cols.labelsFrom[c]);
    }
    if (reread > 0) {
      rereadLabels(cols, reread, general);
    }
    List<Column> out = new ArrayList<>();
    for (int c = 0; c < census.length; c++) {
      out.add(cols.labelsFrom[c] < 0 ? Column.owning(header.get(c), Arrays.copyOf(cols.numbers[c], n))
          : Column.categorical(header.get(c), Arrays.copyOf(cols.labels[c], n)));
    }
    return Table.of(out);
  }

  /** Reads the first {@code upTo} rows again for the columns that turned categorical after their first row. */
  private void rereadLabels(GrowingColumns cols, int upTo, boolean general) throws IOException {
    int[] row = new int[1];
    try {
      pass(new Visitor() {
        @Override
        public void cell(int column, char[] buf, int off, int len, int line) {
          if (column < cols.census.length && row[0] < cols.labelsFrom[column]) {
            int from = stripStart(buf, off, len);
            int n = stripEnd(buf, from, off + len) - from;
            cols.labels[column][row[0]] = isMissing(buf, from, n) ? null : cols.shared(buf, from, n);
          }
        }

        @Override
        public void endRow(int cells, int line) {
          if (cells != cols.census.length) {
            throw changed(cols.rows, row[0]);
          }
          if (++row[0] == upTo) {
            throw new Stop();
          }
        }
      }, null, general);
    } catch (Stop done) {
      return;
    }
    throw changed(cols.rows, row[0]);
  }

  private InvalidArgumentException changed(int rows, int then) {
    return InvalidArgumentException.of("csv file", name, "changed while it was read (" + rows + " rows, then " + then + ")");
  }
}
