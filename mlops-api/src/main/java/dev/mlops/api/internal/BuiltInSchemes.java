package dev.mlops.api.internal;

import dev.mlops.api.StorageUri;
import java.util.Set;

/** The URIs the library's own stores serve: {@code mem:}, {@code file:} and {@code jdbc:postgresql:}. */
public final class BuiltInSchemes {
  /** The schemes. */
  public static final Set<String> SCHEMES = Set.of("mem", "file", "jdbc");

  private BuiltInSchemes() {}

  /** Whether a built-in store serves {@code uri}: jdbc only with the postgresql sub-protocol. */
  public static boolean supports(StorageUri uri) {
    return switch (uri.scheme()) {
      case "mem", "file" -> true;
      case "jdbc" -> uri.subProtocol().equals("postgresql");
      default -> false;
    };
  }
}
