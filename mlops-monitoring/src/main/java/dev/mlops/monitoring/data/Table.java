package dev.mlops.monitoring.data;

import dev.mlops.api.InvalidArgumentException;
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
import java.util.function.LongConsumer;
import org.jspecify.annotations.Nullable;

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
   * Row {@code index} as column name to value, in column order: a {@code Double} for a numerical
   * column, a {@code String} for a categorical one, null when missing (for example to log a table's
   * rows into a monitor: {@code monitor.log(table.row(i))}).
   *
   * @throws InvalidArgumentException if {@code index} is not a row of the table
   */
  public Map<String, @Nullable Object> row(int index) {
    if (index < 0 || index >= rows) {
      throw InvalidArgumentException.of("row", index, "must be between 0 and " + (rows - 1));
    }
    Map<String, @Nullable Object> out = new LinkedHashMap<>();
    for (Column c : columns.values()) {
      out.put(c.name(), c.value(index));
    }
    return out;
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
    return readCsv(file, categorical, missing, null);
  }

  /** Reads CSV text; {@code source} names it in errors. */
  public static Table readCsv(Reader reader, Set<String> categorical, String source) throws IOException {
    return readCsv(reader, categorical, DEFAULT_MISSING, source);
  }

  /** Reads CSV text with the given missing-value tokens; {@code source} names it in errors. */
  public static Table readCsv(Reader reader, Set<String> categorical, Set<String> missing, String source) throws IOException {
    // a reader can be read once: keep its text for the two passes (files are read twice instead)
    StringBuilder text = new StringBuilder();
    char[] buf = new char[8192];
    for (int k; (k = reader.read(buf)) != -1; ) {
      text.append(buf, 0, k);
    }
    String all = text.toString();
    return new CsvColumns(() -> new java.io.StringReader(all), null, source, categorical, missing, null).read();
  }

  /**
   * Like {@link #readCsv(Path, Set, Set)}, reporting the rows read so far to {@code progress} every
   * 100,000 rows (for a progress line on a terminal). The file is read once; a column that turns
   * categorical after its first row has those earlier rows read again, without progress reports.
   */
  public static Table readCsv(Path file, Set<String> categorical, Set<String> missing, @Nullable LongConsumer progress) {
    if (!Files.isRegularFile(file)) {
      throw InvalidArgumentException.of("csv file", file, "does not exist or is not a file");
    }
    try {
      return new CsvColumns(() -> Files.newBufferedReader(file, StandardCharsets.UTF_8), file, file.toString(), categorical, missing, progress).read();
    } catch (java.nio.charset.CharacterCodingException e) {
      throw InvalidArgumentException.of("csv file", file, "is not UTF-8 text: " + e);
    } catch (IOException e) {
      throw InvalidArgumentException.of("csv file", file, "cannot be read: " + e.getMessage());
    }
  }
}
