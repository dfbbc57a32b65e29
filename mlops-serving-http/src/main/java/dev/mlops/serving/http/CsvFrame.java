package dev.mlops.serving.http;

import dev.mlops.serving.http.Answers.BadRequest;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A {@code text/csv} body of MLflow's {@code /invocations}, read as {@code mlflow models serve} reads
 * it (pandas' {@code read_csv}): UTF-8, the first record names the columns, each further record is a
 * row; fields are separated by commas and may be quoted (RFC 4180: a quote inside a quoted field is
 * doubled, a quoted field may hold commas and line breaks); records end with LF or CRLF. A field
 * that reads as a decimal number is that number, an empty field or one of pandas' usual missing
 * markers ({@code NA}, {@code N/A}, {@code NaN}, {@code nan}, {@code null}) leaves the column out of
 * the row, and any other field is text (a one-hot group's value).
 */
final class CsvFrame {
  private static final Pattern NUMBER = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");
  private static final Set<String> MISSING = Set.of("", "NA", "N/A", "NaN", "nan", "null", "NULL");

  private CsvFrame() {}

  /** The rows of the body, each a map of column to value. */
  static List<Map<String, Object>> rows(byte[] body) {
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body)).toString();
    } catch (CharacterCodingException e) {
      throw new BadRequest("invocations: the CSV body is not UTF-8 text");
    }
    if (text.startsWith("\uFEFF")) {
      text = text.substring(1);
    }
    List<List<String>> records = records(text);
    if (records.isEmpty()) {
      throw new BadRequest("invocations: the CSV body is empty; its first line names the columns");
    }
    List<String> header = records.get(0);
    for (int i = 0; i < header.size(); i++) {
      if (header.get(i).isEmpty() || header.indexOf(header.get(i)) != i) {
        throw new BadRequest("invocations: CSV column " + (i + 1) + " '" + header.get(i) + "' must be named, and named once");
      }
    }
    List<Map<String, Object>> rows = new ArrayList<>(records.size() - 1);
    for (int r = 1; r < records.size(); r++) {
      List<String> rec = records.get(r);
      if (rec.size() != header.size()) {
        throw new BadRequest("invocations: CSV row " + r + " has " + rec.size() + " fields; the header names " + header.size() + " columns "
            + header);
      }
      Map<String, Object> row = new LinkedHashMap<>();
      for (int c = 0; c < rec.size(); c++) {
        String v = rec.get(c);
        if (MISSING.contains(v.strip())) {
          continue;
        }
        row.put(header.get(c), NUMBER.matcher(v.strip()).matches() ? (Object) Double.parseDouble(v.strip()) : v);
      }
      rows.add(row);
    }
    return rows;
  }

  private static List<List<String>> records(String text) {
    List<List<String>> records = new ArrayList<>();
    List<String> record = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    boolean quoted = false;
    boolean any = false;
    int i = 0;
    while (i < text.length()) {
      char ch = text.charAt(i++);
      if (quoted) {
        if (ch == '"' && i < text.length() && text.charAt(i) == '"') {
          field.append('"');
          i++;
        } else if (ch == '"') {
          quoted = false;
        } else {
          field.append(ch);
        }
        continue;
      }
      if (ch == '"' && field.length() == 0) {
        quoted = true;
        any = true;
      } else if (ch == ',') {
        record.add(field.toString());
        field.setLength(0);
        any = true;
      } else if (ch == '\n' || ch == '\r') {
        if (ch == '\r' && i < text.length() && text.charAt(i) == '\n') {
          i++;
        }
        if (any || field.length() > 0) {
          record.add(field.toString());
          records.add(record);
        }
        record = new ArrayList<>();
        field.setLength(0);
        any = false;
      } else if (ch == '"') {
        throw new BadRequest("invocations: CSV record " + records.size() + " has a quote inside an unquoted field; quote the field and"
            + " double the quote");
      } else {
        field.append(ch);
        any = true;
      }
    }
    if (quoted) {
      throw new BadRequest("invocations: the CSV body ends inside a quoted field");
    }
    if (any || field.length() > 0) {
      record.add(field.toString());
      records.add(record);
    }
    return records;
  }
}
