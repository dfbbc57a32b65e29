package dev.mlops.monitoring;

import dev.mlops.api.InvalidArgumentException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Named columns of equal length. Immutable. */
public final class Table {
  private final Map<String, Column> columns;
  private final int rows;

  private Table(Map<String, Column> columns, int rows) {
    this.columns = columns;
    this.rows = rows;
  }

  /** A table of the given columns, which must have equal lengths. */
  public static Table of(List<Column> columns) {
    Map<String, Column> m = new LinkedHashMap<>();
    int rows = -1;
    for (Column c : columns) {
      if (rows >= 0 && c.size() != rows) {
        throw InvalidArgumentException.of("column " + c.name(), c.size() + " rows", "all columns need " + rows + " rows");
      }
      rows = c.size();
      if (m.put(c.name(), c) != null) {
        throw InvalidArgumentException.of("column", c.name(), "appears twice");
      }
    }
    return new Table(m, Math.max(rows, 0));
  }

  public int rows() {
    return rows;
  }

  public Map<String, Column> columns() {
    return columns;
  }

  public Column column(String name) {
    Column c = columns.get(name);
    if (c == null) {
      throw InvalidArgumentException.of("column", name, "does not exist; columns are " + columns.keySet());
    }
    return c;
  }

  /**
   * Reads a CSV file with a header row (RFC 4180 quoting; empty cells are missing values). A column
   * is numerical when every non-empty cell parses as a number and it is not named in
   * {@code categorical}.
   */
  public static Table readCsv(Path file, Set<String> categorical) {
    if (!Files.isRegularFile(file)) {
      throw InvalidArgumentException.of("csv file", file, "does not exist or is not a file");
    }
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return readCsv(r, categorical, file.toString());
    } catch (IOException e) {
      throw InvalidArgumentException.of("csv file", file, "cannot be read: " + e.getMessage());
    }
  }

  /** Reads CSV text; {@code source} names it in errors. */
  public static Table readCsv(Reader reader, Set<String> categorical, String source) throws IOException {
    List<List<String>> records = Csv.parse(new BufferedReader(reader));
    if (records.isEmpty() || records.get(0).stream().allMatch(String::isBlank)) {
      throw InvalidArgumentException.of("csv file", source, "has no header row");
    }
    List<String> header = records.get(0);
    for (int i = 0; i < header.size(); i++) {
      if (header.get(i).isBlank()) {
        throw InvalidArgumentException.of("csv file", source, "header column " + (i + 1) + " has no name");
      }
    }
    int n = records.size() - 1;
    List<Column> cols = new ArrayList<>();
    for (int c = 0; c < header.size(); c++) {
      String name = header.get(c).strip();
      String[] cells = new String[n];
      boolean numeric = !categorical.contains(name);
      for (int row = 0; row < n; row++) {
        List<String> rec = records.get(row + 1);
        if (rec.size() != header.size()) {
          throw InvalidArgumentException.of("csv file", source, "row " + (row + 2) + " has " + rec.size() + " cells, the header has " + header.size());
        }
        String cell = rec.get(c).strip();
        cells[row] = cell.isEmpty() ? null : cell;
        if (numeric && cells[row] != null && !isNumber(cells[row])) {
          numeric = false;
        }
      }
      if (numeric) {
        double[] v = new double[n];
        for (int row = 0; row < n; row++) {
          v[row] = cells[row] == null ? Double.NaN : Double.parseDouble(cells[row]);
        }
        cols.add(Column.numerical(name, v));
      } else {
        cols.add(Column.categorical(name, cells));
      }
    }
    return of(cols);
  }

  private static boolean isNumber(String s) {
    try {
      Double.parseDouble(s);
      return !s.endsWith("f") && !s.endsWith("d") && !s.endsWith("F") && !s.endsWith("D");
    } catch (NumberFormatException e) {
      return false;
    }
  }

  /** A minimal RFC 4180 reader: commas, double quotes, doubled quotes, CRLF or LF. */
  static final class Csv {
    private Csv() {}

    static List<List<String>> parse(BufferedReader in) throws IOException {
      List<List<String>> out = new ArrayList<>();
      List<String> rec = new ArrayList<>();
      StringBuilder cell = new StringBuilder();
      boolean quoted = false;
      boolean any = false;
      int ch;
      while ((ch = in.read()) != -1) {
        char c = (char) ch;
        any = true;
        if (quoted) {
          if (c == '"') {
            in.mark(1);
            int next = in.read();
            if (next == '"') {
              cell.append('"');
            } else {
              quoted = false;
              if (next != -1) {
                in.reset();
              }
            }
          } else {
            cell.append(c);
          }
        } else if (c == '"') {
          quoted = true;
        } else if (c == ',') {
          rec.add(cell.toString());
          cell.setLength(0);
        } else if (c == '\n' || c == '\r') {
          if (c == '\r') {
            in.mark(1);
            if (in.read() != '\n') {
              in.reset();
            }
          }
          rec.add(cell.toString());
          cell.setLength(0);
          if (!(rec.size() == 1 && rec.get(0).isEmpty())) {
            out.add(rec);
          }
          rec = new ArrayList<>();
          any = false;
        } else {
          cell.append(c);
        }
      }
      if (any) {
        rec.add(cell.toString());
        if (!(rec.size() == 1 && rec.get(0).isEmpty())) {
          out.add(rec);
        }
      }
      return out;
    }
  }
}
