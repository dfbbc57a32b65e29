package dev.mlops.mlflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;

/**
 * Pages of a list the server holds whole (experiments, registered models, model versions), with
 * MLflow's page token for them: base64 of {@code {"offset": N}}. The last page carries no
 * {@code next_page_token}, as MLflow's clients expect.
 */
final class OffsetPages {
  private OffsetPages() {}

  /** Writes the page {@code page_token} names, at most {@code max} items, into {@code field} of a new answer. */
  static <T> ObjectNode page(List<T> all, String field, Function<T, JsonNode> json, Message m, int max) {
    int offset = offset(m.string("page_token"));
    int end = Math.min(all.size(), offset + max);
    ObjectNode out = Wire.object();
    ArrayNode list = out.putArray(field);
    for (int i = offset; i < end; i++) {
      list.add(json.apply(all.get(i)));
    }
    if (end < all.size()) {
      out.put("next_page_token", token(end));
    }
    return out;
  }

  static String token(int offset) {
    return Base64.getEncoder().encodeToString(("{\"offset\": " + offset + "}").getBytes(StandardCharsets.UTF_8));
  }

  static int offset(String token) {
    if (token == null || token.isEmpty()) {
      return 0;
    }
    try {
      String json = new String(Base64.getDecoder().decode(token), StandardCharsets.UTF_8);
      int offset = Wire.JSON.readTree(json).path("offset").asInt(-1);
      if (offset < 0) {
        throw MlflowError.invalid("page_token", token, "is not a token this server gave");
      }
      return offset;
    } catch (IllegalArgumentException | com.fasterxml.jackson.core.JsonProcessingException e) {
      throw MlflowError.invalid("page_token", token, "is not a token this server gave");
    }
  }
}
