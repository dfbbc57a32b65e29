package dev.mlops.api.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The stored form of an audit entry's before and after states (the one writer and the one reader):
 * a JSON object of named fields, {@code ""} when a side has no state. A value is always one JSON
 * value, escaped, so no value (a name, a tag, a comment) can add or change a field. Entries written
 * by earlier builds of 0.1.0 hold {@code key=value;key=value} text, which {@link #read} reads pair
 * by pair. Stateless and thread-safe.
 */
public final class AuditFields {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** A pair of the earlier text form: a key of letters, digits, {@code _ . - /}, then {@code =}. */
  private static final Pattern LEGACY_PAIR = Pattern.compile("([\\w.\\-/]+)=(.*?)(?=;[\\w.\\-/]+=|\\z)", Pattern.DOTALL);

  private AuditFields() {}

  /** The stored form of {@code fields}: a JSON object in their iteration order, or "" when there are none. */
  public static String write(Map<String, ?> fields) {
    if (fields.isEmpty()) {
      return "";
    }
    ObjectNode node = JSON.createObjectNode();
    fields.forEach((k, v) -> node.set(k, JSON.valueToTree(v)));
    return node.toString();
  }

  /**
   * The fields of a stored state, in stored order, each value as text: a JSON string as it is, a
   * number, boolean or null as written, an array or object as JSON. Text of the earlier form is
   * read as its {@code key=value} pairs (a value that held {@code ;key=} reads as more fields there,
   * which is why the form was replaced); any other text, and "", has no fields.
   */
  public static Map<String, String> read(String stored) {
    if (stored.startsWith("{")) {
      try {
        JsonNode node = JSON.readTree(stored);
        if (node instanceof ObjectNode object) {
          Map<String, String> out = new LinkedHashMap<>();
          object.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().isTextual() ? e.getValue().textValue()
              : e.getValue().toString()));
          return Collections.unmodifiableMap(out);
        }
      } catch (JsonProcessingException e) {
        // text of the earlier form that happens to start with a brace
      }
    }
    return legacy(stored);
  }

  private static Map<String, String> legacy(String stored) {
    Map<String, String> out = new LinkedHashMap<>();
    Matcher m = LEGACY_PAIR.matcher(stored);
    int at = 0;
    while (m.find() && m.start() == at) {
      // a repeated key can only come from a value holding ";key=": the first, written by the registry, stands
      out.putIfAbsent(m.group(1), m.group(2));
      at = m.end() + 1;
    }
    return at >= stored.length() + 1 && !out.isEmpty() ? Collections.unmodifiableMap(out) : Map.of();
  }
}
