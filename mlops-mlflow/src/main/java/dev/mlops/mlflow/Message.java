package dev.mlops.mlflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A request message as MLflow's clients send it: the JSON body of a POST, PATCH or DELETE, or the
 * query parameters of a GET (a key given several times is a list). Readers follow protobuf's JSON
 * rules: int64 fields as numbers or strings, doubles as numbers or {@code "NaN"},
 * {@code "Infinity"}, {@code "-Infinity"}; an absent field reads as its default. Bad values are an
 * {@code INVALID_PARAMETER_VALUE} naming the field.
 */
final class Message {
  private final ObjectNode node;

  private Message(ObjectNode node) {
    this.node = node;
  }

  static Message of(ObjectNode node) {
    return new Message(node);
  }

  /** The message of a query string: each name once is a string, several times an array. */
  static Message ofQuery(@Nullable String rawQuery) {
    ObjectNode n = JsonNodeFactory.instance.objectNode();
    if (rawQuery != null && !rawQuery.isEmpty()) {
      for (String part : rawQuery.split("&")) {
        if (part.isEmpty()) {
          continue;
        }
        int eq = part.indexOf('=');
        String k = URLDecoder.decode(eq < 0 ? part : part.substring(0, eq), StandardCharsets.UTF_8);
        String v = eq < 0 ? "" : URLDecoder.decode(part.substring(eq + 1), StandardCharsets.UTF_8);
        JsonNode prior = n.get(k);
        if (prior == null) {
          n.put(k, v);
        } else if (prior.isArray()) {
          ((ArrayNode) prior).add(v);
        } else {
          ArrayNode a = n.arrayNode();
          a.add(prior);
          a.add(v);
          n.set(k, a);
        }
      }
    }
    return new Message(n);
  }

  /** A nested message (an element of a repeated message field). */
  static Message of(JsonNode node, String field) {
    if (!node.isObject()) {
      throw MlflowError.invalid(field, node, "must be a JSON object");
    }
    return new Message((ObjectNode) node);
  }

  /** This message with more fields (a route's path parameters), each replacing one of its name. */
  Message with(java.util.Map<String, String> fields) {
    if (fields.isEmpty()) {
      return this;
    }
    ObjectNode copy = node.deepCopy();
    fields.forEach(copy::put);
    return new Message(copy);
  }

  boolean has(String field) {
    JsonNode v = node.get(field);
    return v != null && !v.isNull();
  }

  /** A string field, or null when absent. */
  @Nullable String string(String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (v.isContainerNode()) {
      throw MlflowError.invalid(field, v, "must be a string");
    }
    return v.asText();
  }

  /** A string field, or "" when absent. */
  String stringOrEmpty(String field) {
    String v = string(field);
    return v == null ? "" : v;
  }

  /** A string field that must be present and not empty. */
  String required(String field) {
    String v = string(field);
    if (v == null || v.isEmpty()) {
      throw MlflowError.invalid("Missing value for required parameter '" + field + "'");
    }
    return v;
  }

  /** The run id from {@code run_id}, or from the older {@code run_uuid}. */
  String runId() {
    String id = string("run_id");
    if (id == null || id.isEmpty()) {
      id = string("run_uuid");
    }
    if (id == null || id.isEmpty()) {
      throw MlflowError.invalid("Missing value for required parameter 'run_id'");
    }
    return id;
  }

  /** An int64 field (a number or a string of digits), or {@code dflt} when absent. */
  long int64(String field, long dflt) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull() || (v.isTextual() && v.asText().isEmpty())) {
      return dflt;
    }
    if (v.isIntegralNumber() && v.canConvertToLong()) {
      return v.asLong();
    }
    if (v.isTextual()) {
      try {
        return Long.parseLong(v.asText().strip());
      } catch (NumberFormatException e) {
        throw MlflowError.invalid(field, v.asText(), "must be a whole number (int64)");
      }
    }
    throw MlflowError.invalid(field, v, "must be a whole number (int64)");
  }

  /** An int32 field in {@code [min, max]}, or {@code dflt} when absent. */
  int int32(String field, int dflt, int min, int max) {
    long v = int64(field, dflt);
    if (v < min || v > max) {
      throw MlflowError.invalid(field, v, "must be in [" + min + ", " + max + "]");
    }
    return (int) v;
  }

  /** A required double field: a number, or the strings protobuf writes for NaN and the infinities. */
  double requiredDouble(String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      throw MlflowError.invalid("Missing value for required parameter '" + field + "'");
    }
    if (v.isNumber()) {
      return v.asDouble();
    }
    if (v.isTextual()) {
      String s = v.asText().strip();
      switch (s) {
        case "NaN", "nan" -> {
          return Double.NaN;
        }
        case "Infinity", "inf" -> {
          return Double.POSITIVE_INFINITY;
        }
        case "-Infinity", "-inf" -> {
          return Double.NEGATIVE_INFINITY;
        }
        default -> {
          try {
            return Double.parseDouble(s);
          } catch (NumberFormatException e) {
            throw MlflowError.invalid(field, s, "must be a number");
          }
        }
      }
    }
    throw MlflowError.invalid(field, v, "must be a number");
  }

  /** A repeated string field: an array, or one value. */
  List<String> strings(String field) {
    JsonNode v = node.get(field);
    List<String> out = new ArrayList<>();
    if (v == null || v.isNull()) {
      return out;
    }
    if (v.isArray()) {
      for (JsonNode e : v) {
        if (e.isContainerNode()) {
          throw MlflowError.invalid(field, e, "must hold strings");
        }
        out.add(e.asText());
      }
    } else if (!v.isContainerNode()) {
      out.add(v.asText());
    } else {
      throw MlflowError.invalid(field, v, "must be a list of strings");
    }
    return out;
  }

  /** A repeated message field. */
  List<Message> messages(String field) {
    JsonNode v = node.get(field);
    List<Message> out = new ArrayList<>();
    if (v == null || v.isNull()) {
      return out;
    }
    if (!v.isArray()) {
      throw MlflowError.invalid(field, v, "must be a list");
    }
    for (JsonNode e : v) {
      out.add(of(e, field));
    }
    return out;
  }

  /** A nested message field, or null when absent. */
  @Nullable Message message(String field) {
    JsonNode v = node.get(field);
    return v == null || v.isNull() ? null : of(v, field);
  }

  /** The message as compact JSON, for digests. */
  @Override
  public String toString() {
    return node.toString();
  }
}
