package dev.mlops.serving.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A body over the bound is read and dropped up to {@link HttpCall#SWALLOW_BYTES} before the 413, so a client
 * that writes its whole body before reading (the JDK's HttpClient) reads the answer instead of a connection
 * reset; a longer one is left unread (its connection is closed).
 */
class HttpCallTest {
  private static final int LIMIT = 65_536;

  private static HttpCall read(ByteArrayInputStream in, Long declared) throws Exception {
    Map<String, List<String>> headers = declared == null ? Map.of() : Map.of("Content-Length", List.of(declared.toString()));
    return HttpCall.read("POST", "/v2/models/m/infer", headers, in, LIMIT);
  }

  @Test
  void aDeclaredBodyOverTheBoundIsReadAndDroppedBeforeThe413() throws Exception {
    ByteArrayInputStream in = new ByteArrayInputStream(new byte[100 * 1024]);
    HttpCall call = read(in, 100L * 1024);
    assertTrue(call.bodyTooLarge());
    assertEquals(0, call.body().length, "nothing of it is kept");
    assertEquals(0, in.available(), "the rest of the body was read, so the client reads the answer");
  }

  @Test
  void aStreamedBodyOverTheBoundIsReadAndDroppedToItsEnd() throws Exception {
    ByteArrayInputStream in = new ByteArrayInputStream(new byte[100 * 1024]);
    assertTrue(read(in, null).bodyTooLarge());
    assertEquals(0, in.available());
  }

  @Test
  void aBodyBeyondTheSwallowBoundIsLeftUnread() throws Exception {
    int size = (int) HttpCall.SWALLOW_BYTES + (1 << 20);
    ByteArrayInputStream declared = new ByteArrayInputStream(new byte[size]);
    assertTrue(read(declared, (long) size).bodyTooLarge());
    assertEquals(size, declared.available(), "a declared length past the bound: not a byte read");
    ByteArrayInputStream streamed = new ByteArrayInputStream(new byte[size]);
    assertTrue(read(streamed, null).bodyTooLarge());
    assertEquals(size - HttpCall.SWALLOW_BYTES, streamed.available(), "a streamed one: read up to the bound, no further");
  }

  @Test
  void aBodyWithinTheBoundIsKept() throws Exception {
    ByteArrayInputStream in = new ByteArrayInputStream(new byte[LIMIT]);
    HttpCall call = read(in, (long) LIMIT);
    assertEquals(LIMIT, call.body().length);
    assertTrue(!call.bodyTooLarge());
  }
}
