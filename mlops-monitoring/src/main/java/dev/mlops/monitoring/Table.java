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

  /** The number of rows (every column has this many cells). */
  public int rows() {
    return rows;
  }

  /** The columns by name, in the order of the input. */
  public Map<String, Column> columns() {
    return columns;
  }

  /**
   * The named column.
   *
   * @throws InvalidArgumentException naming the known columns when there is none of that name
   */
  public Column column(String name) {
    Column c = columns.get(name);
    if (c == null) {
      throw InvalidArgumentException.of("column", name, "does not exist; columns are " + columns.keySet());
    }
    return c;
  }

  /** The cells read as missing values by default, compared ignoring case: empty, {@code NA}, {@code NaN}, {@code null}. */
  public static final Set<String> DEFAULT_MISSING = Set.of("", "na", "nan", "null");

  /**
   * Reads a CSV file with a header row, UTF-8 (a byte-order mark is skipped), RFC 4180 quoting.
   * Cells in {@link #DEFAULT_MISSING} are missing values. A column is numerical when every other
   * cell parses as a number and it is not named in {@code categorical}; a column whose cells are
   * mostly numbers but with some that are not is refused, naming the first such cell (a stray
   * {@code abc} or {@code 1,5} must not silently turn a numeric column categorical): declare it
   * categorical or list the token as missing.
   *
   * @throws InvalidArgumentException naming the file, line, column and value for malformed input
   */
  public static Table readCsv(Path file, Set<String> categorical) {
    return readCsv(file, categorical, DEFAULT_MISSING);
  }

  /** Like {@link #readCsv(Path, Set)} with the given missing-value tokens (compared ignoring case; include {@code ""} for empty cells). */
  public static Table readCsv(Path file, Set<String> categorical, Set<String> missing) {
    if (!Files.isRegularFile(file)) {
      throw InvalidArgumentException.of("csv file", file, "does not exist or is not a file");
    }
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return readCsv(r, categorical, missing, file.toString());
    } catch (java.nio.charset.CharacterCodingException e) {
      throw InvalidArgumentException.of("csv file", file, "is not UTF-8 text: " + e);
    } catch (IOException e) {
      throw InvalidArgumentException.of("csv file", file, "cannot be read: " + e.getMessage());
    }
  }

  /** Reads CSV text; {@code source} names it in errors. */
  public static Table readCsv(Reader reader, Set<String> categorical, String source) throws IOException {
    return readCsv(reader, categorical, DEFAULT_MISSING, source);
  }

  /** Reads CSV text with the given missing-value tokens; {@code source} names it in errors. */
  public static Table readCsv(Reader reader, Set<String> categorical, Set<String> missing, String source) throws IOException {
    Set<String> missingLower = new java.util.HashSet<>();
    for (String m : missing) {
      missingLower.add(m.strip().toLowerCase(java.util.Locale.ROOT));
    }
    Csv.Parsed parsed = Csv.parse(new BufferedReader(reader), source);
    List<List<String>> records = parsed.records();
    List<Integer> lines = parsed.lines();
    if (records.isEmpty() || records.get(0).stream().allMatch(String::isBlank)) {
      throw InvalidArgumentException.of("csv file", source, "has no header row");
    }
    List<String> header = records.get(0);
    if (!header.isEmpty() && header.get(0).startsWith("\uFEFF")) {
      header.set(0, header.get(0).substring(1));
    }
    for (int i = 0; i < header.size(); i++) {
      if (header.get(i).isBlank()) {
        throw InvalidArgumentException.of("csv file", source, "header column " + (i + 1) + " has no name");
      }
    }
    int n = records.size() - 1;
    for (int row = 0; row < n; row++) {
      List<String> rec = records.get(row + 1);
      if (rec.size() != header.size()) {
        throw InvalidArgumentException.of("csv file", source, "line " + lines.get(row + 1) + " has " + rec.size()
            + " cells, the header has " + header.size());
      }
    }
    List<Column> cols = new ArrayList<>();
    for (int c = 0; c < header.size(); c++) {
      String name = header.get(c).strip();
      String[] cells = new String[n];
      boolean declared = categorical.contains(name);
      int numbers = 0;
      int others = 0;
      int firstOther = -1;
      for (int row = 0; row < n; row++) {
        String cell = records.get(row + 1).get(c).strip();
        cells[row] = cell.isEmpty() || missingLower.contains(cell.toLowerCase(java.util.Locale.ROOT)) ? null : cell;
        if (cells[row] != null && !declared) {
          if (isNumber(cells[row])) {
            numbers++;
          } else {
            others++;
            if (firstOther < 0) {
              firstOther = row;
            }
          }
        }
      }
      boolean numeric = !declared && others == 0;
      if (!declared && others > 0 && numbers > others) {
        throw InvalidArgumentException.of("csv file", source, "line " + lines.get(firstOther + 1) + ", column '" + name
            + "': '" + cells[firstOther] + "' is not a number, but " + numbers + " of the column's " + (numbers + others)
            + " values are (" + others + " are not); declare the column categorical, list the token as a missing value, "
            + "or fix the cell");
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
    /** Records and the line on which each started. */
    record Parsed(List<List<String>> records, List<Integer> lines) {}

    private Csv() {}

    static Parsed parse(BufferedReader in, String source) throws IOException {
      List<List<String>> out = new ArrayList<>();
      List<Integer> starts = new ArrayList<>();
      List<String> rec = new ArrayList<>();
      StringBuilder cell = new StringBuilder();
      boolean quoted = false;
      boolean any = false;
      int line = 1;
      int recordLine = 1;
      int quoteLine = 0;
      int ch;
      while ((ch = in.read()) != -1) {
        char c = (char) ch;
        if (!any) {
          recordLine = line;
        }
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
            if (c == '\n') {
              line++;
            }
            cell.append(c);
          }
        } else if (c == '"') {
          quoted = true;
          quoteLine = line;
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
          line++;
          rec.add(cell.toString());
          cell.setLength(0);
          if (!(rec.size() == 1 && rec.get(0).isEmpty())) {
            out.add(rec);
            starts.add(recordLine);
          }
          rec = new ArrayList<>();
          any = false;
        } else {
          cell.append(c);
        }
      }
      if (quoted) {
        throw InvalidArgumentException.of("csv file", source, "line " + quoteLine + " opens a quoted cell that is never closed");
      }
      if (any) {
        rec.add(cell.toString());
        if (!(rec.size() == 1 && rec.get(0).isEmpty())) {
          out.add(rec);
          starts.add(recordLine);
        }
      }
      return new Parsed(out, starts);
    }
  }
}
