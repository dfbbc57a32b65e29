package dev.mlops.tracking.internal;

import dev.mlops.api.InvalidArgumentException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Page tokens of metric history: a position that later appends do not move. */
final class HistoryToken {
  private HistoryToken() {}

  static String encodeOffset(long offset) {
    return encode("o:" + offset);
  }

  static int decodeOffset(String token) {
    if (token == null) {
      return 0;
    }
    String t = decode(token);
    if (!t.startsWith("o:")) {
      throw bad(token);
    }
    try {
      return Math.toIntExact(Long.parseLong(t.substring(2)));
    } catch (RuntimeException e) {
      throw bad(token);
    }
  }

  /** A position inside chunked history: the chunk id and the offset within the chunk. */
  static String encodeChunk(long chunkId, int offset) {
    return encode("c:" + chunkId + ":" + offset);
  }

  static long[] decodeChunk(String token) {
    if (token == null) {
      return new long[] {Long.MIN_VALUE, 0};
    }
    String t = decode(token);
    String[] parts = t.split(":");
    if (parts.length != 3 || !parts[0].equals("c")) {
      throw bad(token);
    }
    try {
      return new long[] {Long.parseLong(parts[1]), Integer.parseInt(parts[2])};
    } catch (NumberFormatException e) {
      throw bad(token);
    }
  }

  private static String encode(String s) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  private static String decode(String token) {
    try {
      return new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw bad(token);
    }
  }

  private static InvalidArgumentException bad(String token) {
    return InvalidArgumentException.of("page token", token, "is not a metric history token");
  }
}
