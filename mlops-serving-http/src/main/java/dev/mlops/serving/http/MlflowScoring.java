package dev.mlops.serving.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mlops.serving.Endpoint;
import dev.mlops.serving.Served;
import dev.mlops.serving.http.Answers.BadRequest;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tribuo.Output;
import org.tribuo.classification.Label;
import org.tribuo.regression.Regressor;

/**
 * MLflow's scoring protocol ({@code POST /invocations} of {@code mlflow models serve}): a JSON body
 * with exactly one of {@code dataframe_split} ({@code {"columns": [...], "data": [[...]]}}),
 * {@code dataframe_records} ({@code [{column: value}]}), {@code instances} or {@code inputs} (rows
 * as objects, rows as arrays in feature order, or an object of columns), and optionally
 * {@code params}; or a {@code text/csv} body with a header row ({@link CsvFrame}). The answer is
 * {@code {"predictions": [...]}}: a classifier's labels, a one-output regressor's numbers, otherwise
 * each row's values. Any other content type is a 415.
 */
final class MlflowScoring {
  private static final Set<String> FORMATS = Set.of("dataframe_split", "dataframe_records", "instances", "inputs");

  private MlflowScoring() {}

  static <T extends Output<T>> HttpAnswer invoke(Endpoint<T> endpoint, HttpCall call) {
    String type = call.header("Content-Type");
    String media = type == null ? "application/json" : type.split(";", 2)[0].strip().toLowerCase(java.util.Locale.ROOT);
    if (media.equals("text/csv")) {
      return answer(endpoint, CsvFrame.rows(call.body()));
    }
    if (!media.equals("application/json")) {
      return Answers.error(415, "invocations: content type '" + type + "' is not served; send application/json or text/csv");
    }
    JsonNode root = Answers.parseObject(call.body(), "invocations");
    String format = null;
    for (Iterator<String> f = root.fieldNames(); f.hasNext();) {
      String field = f.next();
      if (FORMATS.contains(field)) {
        if (format != null) {
          throw new BadRequest("invocations: give exactly one of " + new java.util.TreeSet<>(FORMATS) + ", not both " + format + " and "
              + field);
        }
        format = field;
      } else if (!field.equals("params")) {
        throw new BadRequest("invocations: unknown field '" + field + "'; the body holds one of " + new java.util.TreeSet<>(FORMATS)
            + " and optionally params");
      }
    }
    if (format == null) {
      throw new BadRequest("invocations: the body must hold one of " + new java.util.TreeSet<>(FORMATS));
    }
    JsonNode in = root.get(format);
    List<String> features = endpoint.featureNames();
    List<Map<String, Object>> rows = switch (format) {
      case "dataframe_split" -> split(in);
      case "dataframe_records" -> records(in, format, features);
      default -> in.isObject() ? columns(in, format) : records(in, format, features);
    };
    return answer(endpoint, rows);
  }

  private static <T extends Output<T>> HttpAnswer answer(Endpoint<T> endpoint, List<Map<String, Object>> rows) {
    List<Served<T>> served = new ArrayList<>(rows.size());
    for (Map<String, Object> row : rows) {
      served.add(endpoint.predict(row));
    }
    List<Object> predictions = new ArrayList<>(served.size());
    for (Served<T> s : served) {
      predictions.add(prediction(s));
    }
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("predictions", predictions);
    return Answers.json(200, answer, Map.of("X-Request-Ids", String.join(",", served.stream().map(Served::requestId).toList())));
  }

  private static Object prediction(Served<?> s) {
    if (s.output() instanceof Label) {
      return s.outputText();
    }
    if (s.output() instanceof Regressor r) {
      double[] v = r.getValues();
      return v.length == 1 ? (Object) v[0] : v;
    }
    return s.outputText();
  }

  private static List<Map<String, Object>> split(JsonNode in) {
    JsonNode cols = in.get("columns");
    JsonNode data = in.get("data");
    if (!in.isObject() || cols == null || !cols.isArray() || data == null || !data.isArray()) {
      throw new BadRequest("dataframe_split: an object with columns (an array of names) and data (an array of rows) is expected");
    }
    List<String> names = new ArrayList<>();
    for (JsonNode c : cols) {
      if (!c.isTextual()) {
        throw new BadRequest("dataframe_split: column names must be strings, not " + c);
      }
      names.add(c.textValue());
    }
    List<Map<String, Object>> rows = new ArrayList<>();
    for (JsonNode r : data) {
      if (!r.isArray() || r.size() != names.size()) {
        throw new BadRequest("dataframe_split: row " + rows.size() + " must be an array of " + names.size() + " values, one per column");
      }
      Map<String, Object> row = new LinkedHashMap<>();
      for (int i = 0; i < names.size(); i++) {
        put(row, names.get(i), r.get(i), "dataframe_split row " + rows.size());
      }
      rows.add(row);
    }
    return rows;
  }

  private static List<Map<String, Object>> records(JsonNode in, String format, List<String> features) {
    if (!in.isArray()) {
      throw new BadRequest(format + ": an array of rows is expected");
    }
    List<Map<String, Object>> rows = new ArrayList<>();
    for (JsonNode r : in) {
      String where = format + " row " + rows.size();
      Map<String, Object> row = new LinkedHashMap<>();
      if (r.isObject()) {
        for (Iterator<Map.Entry<String, JsonNode>> f = r.fields(); f.hasNext();) {
          Map.Entry<String, JsonNode> e = f.next();
          put(row, e.getKey(), e.getValue(), where);
        }
      } else if (r.isArray() && !format.equals("dataframe_records")) {
        if (r.size() != features.size()) {
          throw new BadRequest(where + ": " + r.size() + " values; a row as an array has one value per feature " + features);
        }
        for (int i = 0; i < features.size(); i++) {
          put(row, features.get(i), r.get(i), where);
        }
      } else {
        throw new BadRequest(where + ": an object of column to value is expected" + (format.equals("dataframe_records") ? ""
            : ", or an array of values in feature order " + features));
      }
      rows.add(row);
    }
    return rows;
  }

  private static List<Map<String, Object>> columns(JsonNode in, String format) {
    int n = -1;
    for (Iterator<Map.Entry<String, JsonNode>> f = in.fields(); f.hasNext();) {
      Map.Entry<String, JsonNode> e = f.next();
      if (!e.getValue().isArray() || n >= 0 && e.getValue().size() != n) {
        throw new BadRequest(format + ": column '" + e.getKey() + "' must be an array of values as long as the other columns");
      }
      n = e.getValue().size();
    }
    List<Map<String, Object>> rows = new ArrayList<>();
    for (int i = 0; i < Math.max(n, 0); i++) {
      Map<String, Object> row = new LinkedHashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> f = in.fields(); f.hasNext();) {
        Map.Entry<String, JsonNode> e = f.next();
        put(row, e.getKey(), e.getValue().get(i), format + " row " + i);
      }
      rows.add(row);
    }
    return rows;
  }

  /** A cell: a number, a string (a one-hot group's value), a boolean as 1 or 0; a null leaves the column out of the row. */
  private static void put(Map<String, Object> row, String column, JsonNode v, String where) {
    if (v.isNumber()) {
      row.put(column, v.doubleValue());
    } else if (v.isTextual()) {
      row.put(column, v.textValue());
    } else if (v.isBoolean()) {
      row.put(column, v.booleanValue() ? 1.0 : 0.0);
    } else if (!v.isNull()) {
      throw new BadRequest(where + ": column '" + column + "' holds " + v.getNodeType().name().toLowerCase(java.util.Locale.ROOT)
          + "; a number, a string or a boolean is expected");
    }
  }
}
