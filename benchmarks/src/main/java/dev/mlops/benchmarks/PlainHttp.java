package dev.mlops.benchmarks;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * An HTTP/1.1 client on one kept plain blocking socket: the request written in one call, the answer's
 * headers read and its body read by its Content-Length, on the caller's thread. The JDK's
 * {@code HttpClient} hands each answer from its selector thread to the caller (on this machine its
 * emptiest round trip takes some 170 µs); this client measures what the server and the loopback take,
 * as {@code curl} or {@code wrk} would. Not thread-safe: one per caller.
 */
final class PlainHttp implements AutoCloseable {
  private final Socket socket;
  private final BufferedInputStream in;
  private final OutputStream out;
  private final String host;

  PlainHttp(int port) throws IOException {
    socket = new Socket("127.0.0.1", port);
    socket.setTcpNoDelay(true);
    in = new BufferedInputStream(socket.getInputStream(), 1 << 16);
    out = socket.getOutputStream();
    host = "127.0.0.1:" + port;
  }

  /** GET; the body, which must come with status 200. */
  byte[] get(URI uri) throws IOException {
    out.write(("GET " + target(uri) + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    return answer(uri);
  }

  /** POST of a JSON body; the answer's body, which must come with status 200. */
  byte[] post(URI uri, byte[] json) throws IOException {
    byte[] head = ("POST " + target(uri) + " HTTP/1.1\r\nHost: " + host + "\r\nContent-Type: application/json\r\nContent-Length: "
        + json.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    byte[] request = new byte[head.length + json.length];
    System.arraycopy(head, 0, request, 0, head.length);
    System.arraycopy(json, 0, request, head.length, json.length);
    out.write(request);
    return answer(uri);
  }

  private static String target(URI uri) {
    return uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
  }

  private byte[] answer(URI uri) throws IOException {
    int length = -1;
    int status = -1;
    for (String line = readLine(); !line.isEmpty(); line = readLine()) {
      if (status < 0) {
        status = Integer.parseInt(line.substring(9, 12));
      } else if (line.regionMatches(true, 0, "content-length:", 0, 15)) {
        length = Integer.parseInt(line.substring(15).trim());
      } else if (line.regionMatches(true, 0, "transfer-encoding:", 0, 18)) {
        throw new IllegalStateException(uri + " answered with " + line + "; this client reads bodies by their Content-Length");
      }
    }
    byte[] body = in.readNBytes(Math.max(length, 0));
    if (status != 200 || length < 0 || body.length != length) {
      throw new IllegalStateException(uri + " answered " + status + " with " + body.length + " of " + length + " bytes: "
          + new String(body, StandardCharsets.UTF_8));
    }
    return body;
  }

  private String readLine() throws IOException {
    StringBuilder b = new StringBuilder();
    for (int c = in.read(); c != '\n'; c = in.read()) {
      if (c < 0) {
        throw new IllegalStateException("connection closed");
      }
      if (c != '\r') {
        b.append((char) c);
      }
    }
    return b.toString();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
