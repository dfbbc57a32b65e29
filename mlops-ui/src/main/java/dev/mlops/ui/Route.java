package dev.mlops.ui;

import java.io.IOException;

/**
 * A line of the UI's route table: a method, a path pattern (a path, or a prefix ending in
 * {@code *}) and the handler that answers it. A GET route also answers HEAD.
 */
record Route(String method, String pattern, Handler handler) {

  /** Answers a request the route matched. */
  @FunctionalInterface
  interface Handler {
    void handle(Request request) throws IOException;
  }

  /** A GET (and HEAD) route. */
  static Route get(String pattern, Handler handler) {
    return new Route("GET", pattern, handler);
  }

  boolean matches(String requestMethod, String path) {
    boolean methodMatches = method.equals(requestMethod) || (method.equals("GET") && requestMethod.equals("HEAD"));
    return methodMatches && (pattern.endsWith("*") ? path.startsWith(pattern.substring(0, pattern.length() - 1)) : path.equals(pattern));
  }

  /** The pattern without its trailing {@code *}: what {@link Request#rest} strips. */
  String prefix() {
    return pattern.endsWith("*") ? pattern.substring(0, pattern.length() - 1) : pattern;
  }
}
