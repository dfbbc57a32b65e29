package dev.mlops.serving.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * One HTTP request as a transport hands it to {@link ServingHandler#handle}: its method, path,
 * headers and body, read by the transport with the handler's bound ({@link ServingHandler#maxBodyBytes()}).
 *
 * @param method GET, POST, ...
 * @param path the raw path, without the query
 * @param headers the headers; names are matched whatever their case
 * @param body the body as read, at most {@link ServingHandler#maxBodyBytes()} bytes
 * @param bodyTooLarge whether the transport stopped reading because the body was longer than the bound
 *     (the handler answers 413)
 */
public record HttpCall(String method, String path, Map<String, List<String>> headers, byte[] body, boolean bodyTooLarge) {
  /** Copies the headers into a map whose lookups ignore case. */
  public HttpCall {
    Map<String, List<String>> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    headers.forEach((k, v) -> h.put(k, List.copyOf(v)));
    headers = java.util.Collections.unmodifiableMap(h);
  }

  /** A request without a body. */
  public static HttpCall get(String path, Map<String, List<String>> headers) {
    return new HttpCall("GET", path, headers, new byte[0], false);
  }

  /**
   * How much of a body over the bound is still read and dropped before the answer (as Tomcat's
   * {@code maxSwallowSize}): a client that writes its whole body before it reads the answer, as the
   * JDK's {@code HttpClient} does, then reads the 413 instead of a connection reset by a server that
   * closed it with the body unread. A longer body is not read; its connection is closed.
   */
  public static final long SWALLOW_BYTES = 2L << 20;

  /**
   * A request whose body is read from {@code in}, at most {@code maxBodyBytes} bytes: a longer body
   * (declared by its Content-Length, or found while reading) is kept no further and the call says
   * {@link #bodyTooLarge()}; up to {@link #SWALLOW_BYTES} of it are read and dropped first.
   *
   * @throws IOException when the body cannot be read (the client went away, the server's request timer closed it)
   */
  public static HttpCall read(String method, String path, Map<String, List<String>> headers, InputStream in, int maxBodyBytes)
      throws IOException {
    HttpCall headersOnly = new HttpCall(method, path, headers, new byte[0], false);
    String declared = headersOnly.header("Content-Length");
    if (declared != null && declared.strip().length() < 19 && !declared.strip().isEmpty() && declared.strip().chars().allMatch(Character::isDigit)
        && Long.parseLong(declared.strip()) > maxBodyBytes) {
      long length = Long.parseLong(declared.strip());
      if (length <= SWALLOW_BYTES) {
        swallow(in, length);
      }
      return new HttpCall(method, path, headers, new byte[0], true);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] chunk = new byte[8192];
    int n;
    while ((n = in.read(chunk)) >= 0) {
      if (out.size() + n > maxBodyBytes) {
        swallow(in, SWALLOW_BYTES - out.size() - n);
        return new HttpCall(method, path, headers, new byte[0], true);
      }
      out.write(chunk, 0, n);
    }
    return new HttpCall(method, path, headers, out.toByteArray(), false);
  }

  /** Reads and drops at most {@code limit} more bytes of {@code in}, or to its end. */
  private static void swallow(InputStream in, long limit) throws IOException {
    byte[] chunk = new byte[8192];
    long left = limit;
    int n;
    while (left > 0 && (n = in.read(chunk, 0, (int) Math.min(chunk.length, left))) >= 0) {
      left -= n;
    }
  }

  /** The first value of a header, or null. */
  public @Nullable String header(String name) {
    List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
    return v == null || v.isEmpty() ? null : v.get(0);
  }
}
