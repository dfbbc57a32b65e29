package dev.mlops.serving.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mlops.api.InvalidArgumentException;
import dev.mlops.api.MlopsException;
import dev.mlops.api.NotFoundException;
import dev.mlops.api.internal.HttpGuard;
import dev.mlops.serving.CapacityException;
import dev.mlops.serving.EndpointUnavailableException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JSON in and out, and every answer's shape: a value as JSON, or the protocol's error object
 * {@code {"error": message}} with its status. Exceptions become statuses here and nowhere else,
 * and no answer ever carries a stack trace.
 */
final class Answers {
  private static final Logger LOG = LoggerFactory.getLogger(Answers.class);
  /** Deepest nesting a request may have: a [N, F] tensor needs 4 levels; hostile input gets a clear 400, not a stack overflow. */
  static final int MAX_DEPTH = 32;
  static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).maxNumberLength(400).build())
      .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION).build())
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  private static final String JSON_TYPE = "application/json";

  private Answers() {}

  /** A request body that is not what the protocol asks for. */
  static final class BadRequest extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BadRequest(String message) {
      super(message, null, false, false);
    }
  }

  /** A request refused before it reaches a route (method, host, token, size). */
  static final class Refused extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final int status;
    final Map<String, String> headers;

    Refused(int status, String message, Map<String, String> headers) {
      super(message, null, false, false);
      this.status = status;
      this.headers = headers;
    }
  }

  /** The body parsed as one JSON object, or a {@link BadRequest} saying what is wrong with it. */
  static JsonNode parseObject(byte[] body, String what) {
    return parseObject(body, body.length, what);
  }

  /** The first {@code length} bytes of the body parsed as one JSON object. */
  static JsonNode parseObject(byte[] body, int length, String what) {
    if (length == 0) {
      throw new BadRequest(what + ": the body is empty; a JSON object is expected");
    }
    JsonNode root;
    try (JsonParser p = JSON.getFactory().createParser(body, 0, length)) {
      root = JSON.readTree(p);
    } catch (StreamConstraintsException e) {
      throw new BadRequest(what + ": the JSON is nested deeper than " + MAX_DEPTH + " levels or has a number longer than 400 digits");
    } catch (JsonProcessingException e) {
      throw new BadRequest(what + ": the body is not valid JSON (" + e.getOriginalMessage() + " at line " + (e.getLocation() == null ? "?"
          : e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr()) + ")");
    } catch (IOException e) {
      throw new BadRequest(what + ": the body cannot be read: " + e.getMessage());
    }
    if (root == null || !root.isObject()) {
      throw new BadRequest(what + ": a JSON object is expected, not " + (root == null ? "nothing" : root.getNodeType().name().toLowerCase(
          java.util.Locale.ROOT)));
    }
    return root;
  }

  static HttpAnswer json(int status, Object value) {
    return json(status, value, Map.of());
  }

  static HttpAnswer json(int status, Object value, Map<String, String> headers) {
    byte[] body;
    try {
      body = JSON.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON: " + e.getMessage(), e);
    }
    return answer(status, JSON_TYPE, body, headers);
  }

  static HttpAnswer answer(int status, String type, byte[] body, Map<String, String> extra) {
    Map<String, String> h = new LinkedHashMap<>(HttpGuard.SECURITY_HEADERS);
    h.put("Cache-Control", "no-store");
    h.putAll(extra);
    h.put("Content-Type", type);
    return new HttpAnswer(status, h, body);
  }

  static HttpAnswer text(int status, String type, String body) {
    return answer(status, type, body.getBytes(StandardCharsets.UTF_8), Map.of());
  }

  /** The protocol's error object. */
  static HttpAnswer error(int status, @Nullable String message) {
    return error(status, message, Map.of());
  }

  static HttpAnswer error(int status, @Nullable String message, Map<String, String> headers) {
    return json(status, Map.of("error", message == null || message.isEmpty() ? "error" : message), headers);
  }

  /** The answer for an exception a route threw: its status, its message, never its stack. */
  static HttpAnswer failure(RuntimeException e, HttpCall call) {
    if (e instanceof Refused r) {
      return error(r.status, r.getMessage(), r.headers);
    } else if (e instanceof BadRequest) {
      return error(400, e.getMessage());
    } else if (e instanceof NotFoundException) {
      return error(404, e.getMessage());
    } else if (e instanceof InvalidArgumentException) {
      return error(400, e.getMessage());
    } else if (e instanceof CapacityException) {
      return error(429, e.getMessage(), Map.of("Retry-After", "1"));
    } else if (e instanceof EndpointUnavailableException) {
      return error(503, e.getMessage(), Map.of("Retry-After", "1"));
    } else if (e instanceof MlopsException) {
      LOG.warn("serving over HTTP: {} {} failed: {}", call.method(), call.path(), e.toString());
      return error(500, e.getMessage());
    }
    LOG.warn("serving over HTTP: {} {} failed", call.method(), call.path(), e);
    return error(500, "internal error while answering " + call.method() + " " + call.path() + "; the server's log has the details");
  }
}
