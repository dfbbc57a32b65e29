package dev.mlops.monitoring.data;

import dev.mlops.api.InvalidArgumentException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import org.jspecify.annotations.Nullable;

/**
 * The reader's fast path: CSV whose bytes are all ASCII, with no quote character and lines ending in
 * LF or CRLF (what pandas, numpy and most exporters write for numbers), split straight from the
 * file's bytes into cells with no string per cell. Anything else (a quote, a byte above 127 such as
 * a byte-order mark or any non-ASCII text, a lone CR, a line of blanks) throws {@link NotSimple}
 * before the row it is on reaches the visitor's end of row, and the caller reads the file with
 * Jackson's CSV parser instead, which handles all of RFC 4180. Empty lines are skipped, as the
 * parser skips them; line numbers count them.
 */
final class CsvBytes {
  private CsvBytes() {}

  /** The file is not simple CSV: read it with the general parser. */
  static final class NotSimple extends RuntimeException {
    private static final long serialVersionUID = 1L;

    NotSimple() {
      super(null, null, false, false);
    }
  }

  /**
   * One pass: the header (returned, as written; {@code header} checks it before the first data row)
   * and every data row to {@code visitor}.
   */
  static List<String> pass(Path file, String name, CsvColumns.Visitor visitor, Consumer<List<String>> header,
      @Nullable LongConsumer progress) throws IOException {
    List<String> names = new ArrayList<>();
    boolean inHeader = true;
    long rows = 0;
    int line = 0;
    byte[] buf = new byte[1 << 16];
    char[] chars = new char[256];
    int start = 0;
    int end = 0;
    boolean eof = false;
    try (InputStream in = Files.newInputStream(file)) {
      while (true) {
        int nl = -1;
        for (int i = start; i < end; i++) {
          if (buf[i] == '\n') {
            nl = i;
            break;
          }
        }
        if (nl < 0 && !eof) {
          // keep the partial line, read more behind it (a longer line than the buffer grows it)
          if (start > 0) {
            System.arraycopy(buf, start, buf, 0, end - start);
            end -= start;
            start = 0;
          } else if (end == buf.length) {
            buf = java.util.Arrays.copyOf(buf, buf.length * 2);
          }
          int k = in.read(buf, end, buf.length - end);
          if (k < 0) {
            eof = true;
          } else {
            end += k;
          }
          continue;
        }
        if (nl < 0 && start == end) {
          break; // the end of the file
        }
        int stop = nl < 0 ? end : nl;
        line++;
        int recordEnd = stop > start && buf[stop - 1] == '\r' ? stop - 1 : stop;
        if (recordEnd > start) {
          if (chars.length < recordEnd - start) {
            chars = new char[Math.max(chars.length * 2, recordEnd - start)];
          }
          int cells = split(buf, start, recordEnd, chars, inHeader ? null : visitor, names, line);
          if (inHeader) {
            inHeader = false;
            header.accept(names);
            visitor.header(names);
          } else {
            visitor.endRow(cells, line);
            if (progress != null && ++rows % 100_000 == 0) {
              progress.accept(rows);
            }
          }
        } else if (stop > start) {
          throw new NotSimple(); // a lone CR
        }
        start = nl < 0 ? end : nl + 1;
      }
    }
    if (inHeader) {
      throw InvalidArgumentException.of("csv file", name, "has no header row");
    }
    return names;
  }

  /** Splits one record into cells: to {@code visitor}, or into {@code header} when it is null; returns the number of cells. */
  private static int split(byte[] b, int from, int to, char[] chars, CsvColumns.@Nullable Visitor visitor, List<String> header, int line) {
    int blanks = 0;
    for (int i = from; i < to; i++) {
      byte x = b[i];
      if (x < 0 || x == '"' || x == '\r') {
        throw new NotSimple();
      }
      if (x == ' ' || x == '\t') {
        blanks++;
      }
      chars[i - from] = (char) x;
    }
    if (blanks == to - from) {
      throw new NotSimple(); // a line of blanks: the parser decides what it is
    }
    int n = to - from;
    int column = 0;
    int cellStart = 0;
    for (int i = 0; i <= n; i++) {
      if (i == n || chars[i] == ',') {
        if (visitor == null) {
          header.add(new String(chars, cellStart, i - cellStart));
        } else {
          visitor.cell(column, chars, cellStart, i - cellStart, line);
        }
        column++;
        cellStart = i + 1;
      }
    }
    return column;
  }
}
