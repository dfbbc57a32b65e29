package dev.mlops.ui;

import com.sun.net.httpserver.HttpExchange;
import dev.mlops.api.InvalidArgumentException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One request as a route's handler sees it: the exchange, its path, its decoded query (the first
 * value of each name) and the principal it comes from.
 */
record Request(HttpExchange exchange, String path, Map<String, String> query, String principal) {

  /** The query string's parameters, decoded; a name given twice keeps its first value. */
  static Map<String, String> parseQuery(@Nullable String raw) {
    Map<String, String> q = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) {
      return q;
    }
    for (String part : raw.split("&")) {
      int eq = part.indexOf('=');
      String k = URLDecoder.decode(eq < 0 ? part : part.substring(0, eq), StandardCharsets.UTF_8);
      String v = eq < 0 ? "" : URLDecoder.decode(part.substring(eq + 1), StandardCharsets.UTF_8);
      q.putIfAbsent(k, v);
    }
    return q;
  }

  /** The parameter, if given and not blank. */
  @Nullable String param(String name) {
    String v = query.get(name);
    return v == null || v.isBlank() ? null : v;
  }

  /** The parameter, or an {@link InvalidArgumentException} naming it. */
  String required(String name) {
    String v = param(name);
    if (v == null) {
      throw InvalidArgumentException.of(name, "(none)", "this page needs ?" + name + "=");
    }
    return v;
  }

  /** A whole-number parameter in {@code [min, max]}, or {@code dflt} when absent. */
  int intParam(String name, int dflt, int min, int max) {
    String v = param(name);
    if (v == null) {
      return dflt;
    }
    try {
      int n = Integer.parseInt(v.strip());
      if (n < min || n > max) {
        throw InvalidArgumentException.of(name, v, "must be in [" + min + ", " + max + "]");
      }
      return n;
    } catch (NumberFormatException e) {
      throw InvalidArgumentException.of(name, v, "must be a whole number");
    }
  }

  /** The part of the path after {@code prefix} (a route's pattern without its trailing {@code *}). */
  String rest(String prefix) {
    return path.substring(prefix.length());
  }
}
