package dev.mlops.api.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256, computed in one place for model bytes, artifacts, datasets and the audit chain. */
public final class Digests {
  private Digests() {}

  /** A new SHA-256 digest (every JVM has one). */
  public static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM has no SHA-256", e);
    }
  }

  /** Lower-case hex SHA-256 of {@code bytes}. */
  public static String sha256(byte[] bytes) {
    return hex(newSha256().digest(bytes));
  }

  /** Lower-case hex SHA-256 of the UTF-8 bytes of {@code text}. */
  public static String sha256(String text) {
    return sha256(text.getBytes(StandardCharsets.UTF_8));
  }

  /** The lower-case hex of a finished digest. */
  public static String hex(MessageDigest digest) {
    return hex(digest.digest());
  }

  private static String hex(byte[] digest) {
    return HexFormat.of().formatHex(digest);
  }
}
