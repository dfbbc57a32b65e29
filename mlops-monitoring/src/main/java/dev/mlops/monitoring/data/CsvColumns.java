package dev.mlops.monitoring.data;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.csv.CsvFactory;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import dev.mlops.api.InvalidArgumentException;
import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.LongConsumer;
import org.jspecify.annotations.Nullable;

/**
 * Reads CSV into primitive columns in two streaming passes over the input (Jackson's CSV parser):
 * the first decides each column's type (counting numbers and other values, and checking the
 * shape), the second fills a {@code double[]} per numerical column and a {@code String[]} of
 * shared strings per categorical one. No row is kept as text, so memory is the columns themselves.
 */
final class CsvColumns {
  /** A source the reader can open more than once. */
  @FunctionalInterface
  interface Source {
    Reader open() throws IOException;
  }

  private static final CsvFactory FACTORY = CsvFactory.builder().enable(CsvParser.Feature.SKIP_EMPTY_LINES).build();

  private final Source source;
  private final String name;
  private final Set<String> categorical;
  private final Set<String> missingLower;
  private final int longestMissing;
  private final @Nullable LongConsumer progress;

  CsvColumns(Source source, String name, Set<String> categorical, Set<String> missing, @Nullable LongConsumer progress) {
    this.source = source;
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
  private static final class Census {
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
  private interface Visitor {
    /** The checked header, before the first data row. */
    default void header(List<String> header) {}

    void cell(int column, String text, int line);

    void endRow(int cells, int line);
  }

  /** One pass: the header (returned) and every data row to {@code visitor}. */
  private List<String> pass(Visitor visitor) throws IOException {
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
          String text = p.getText();
          if (inHeader) {
            header.add(text);
          } else {
            visitor.cell(column, text, line);
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

  private boolean isMissing(String cell) {
    return cell.isEmpty() || cell.length() <= longestMissing && missingLower.contains(cell.toLowerCase(Locale.ROOT));
  }

  /** Whether a (stripped, non-missing) cell is a number; rejects at once what cannot start one, without an exception. */
  static boolean isNumber(String s) {
    char c = s.charAt(0);
    if (!(c >= '0' && c <= '9' || c == '-' || c == '+' || c == '.' || c == 'I' || c == 'N')) {
      return false;
    }
    char last = s.charAt(s.length() - 1);
    if (last == 'f' || last == 'd' || last == 'F' || last == 'D') {
      return false;
    }
    try {
      Double.parseDouble(s);
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  Table read() throws IOException {
    List<Census> census = new ArrayList<>();
    long[] rows = new long[1];
    List<String> header = pass(new Visitor() {
      @Override
      public void header(List<String> names) {
        for (String h : names) {
          census.add(new Census(h, categorical.contains(h)));
        }
      }

      @Override
      public void cell(int column, String text, int line) {
        if (column >= census.size()) {
          return; // counted as a shape error at the end of the row
        }
        Census c = census.get(column);
        if (c.declared) {
          return;
        }
        String cell = text.strip();
        if (isMissing(cell)) {
          return;
        }
        if (isNumber(cell)) {
          c.numbers++;
        } else {
          c.others++;
          if (c.firstOther == null) {
            c.firstOther = cell;
            c.firstOtherLine = line;
          }
        }
      }

      @Override
      public void endRow(int cells, int line) {
        if (cells != census.size()) {
          throw InvalidArgumentException.of("csv file", name, "line " + line + " has " + cells + " cells, the header has " + census.size());
        }
        rows[0]++;
      }
    });
    if (rows[0] > Integer.MAX_VALUE - 8) {
      throw InvalidArgumentException.of("csv file", name, "has " + rows[0] + " rows; at most " + (Integer.MAX_VALUE - 8) + " can be read");
    }
    int n = (int) rows[0];
    boolean[] numeric = new boolean[census.size()];
    for (int c = 0; c < census.size(); c++) {
      Census k = census.get(c);
      numeric[c] = !k.declared && k.others == 0;
      if (!k.declared && k.others > 0 && k.numbers > k.others) {
        throw InvalidArgumentException.of("csv file", name, "line " + k.firstOtherLine + ", column '" + k.name + "': '" + k.firstOther
            + "' is not a number, but " + k.numbers + " of the column's " + (k.numbers + k.others) + " values are (" + k.others
            + " are not); declare the column categorical, list the token as a missing value, or fix the cell");
      }
    }
    double[][] numbers = new double[census.size()][];
    String[][] labels = new String[census.size()][];
    for (int c = 0; c < census.size(); c++) {
      if (numeric[c]) {
        numbers[c] = new double[n];
      } else {
        labels[c] = new String[n];
      }
    }
    Map<String, String> shared = new HashMap<>();
    int[] row = new int[1];
    pass(new Visitor() {
      @Override
      public void cell(int column, String text, int line) {
        String cell = text.strip();
        boolean missing = isMissing(cell);
        if (numeric[column]) {
          numbers[column][row[0]] = missing ? Double.NaN : Double.parseDouble(cell);
        } else {
          labels[column][row[0]] = missing ? null : shared.computeIfAbsent(cell, k -> k);
        }
      }

      @Override
      public void endRow(int cells, int line) {
        row[0]++;
      }
    });
    if (row[0] != n) {
      throw InvalidArgumentException.of("csv file", name, "changed while it was read (" + n + " rows, then " + row[0] + ")");
    }
    List<Column> cols = new ArrayList<>();
    for (int c = 0; c < census.size(); c++) {
      cols.add(numeric[c] ? Column.numerical(header.get(c), numbers[c]) : Column.categorical(header.get(c), labels[c]));
    }
    return Table.of(cols);
  }
}
