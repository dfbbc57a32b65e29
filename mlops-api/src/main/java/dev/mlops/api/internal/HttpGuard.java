package dev.mlops.api.internal;

import dev.mlops.api.Authenticator;
import dev.mlops.api.InvalidArgumentException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The checks every HTTP face of the library makes before it routes a request, whatever carries it
 * (the JDK's server, a servlet container): the Host header must name an allowed host (loopback
 * names, the bound address and the configured ones; against DNS rebinding), an optional token is
 * compared in constant time, and an optional {@link Authenticator} names the principal. Also the
 * security headers every answer carries. Immutable and thread-safe.
 */
public final class HttpGuard {
  /** Headers every answer carries: no sniffing, no referrer, no framing. */
  public static final Map<String, String> SECURITY_HEADERS = Map.of("X-Content-Type-Options", "nosniff", "Referrer-Policy", "no-referrer",
      "X-Frame-Options", "DENY");

  private final Set<String> allowedHosts;
  private final byte @Nullable [] token;
  private final @Nullable Authenticator authenticator;

  /**
   * @param bindAddress the interface the server binds (allowed as a Host besides the loopback names)
   * @param extraHosts further Host names to answer to (a reverse proxy's name)
   * @param token the token every request must carry, or null
   * @param authenticator decides the principal, or null for none
   */
  public HttpGuard(String bindAddress, Collection<String> extraHosts, @Nullable String token, @Nullable Authenticator authenticator) {
    Set<String> hosts = new LinkedHashSet<>(List.of("localhost", "127.0.0.1", "[::1]", "::1"));
    hosts.add(bindAddress.toLowerCase(Locale.ROOT));
    for (String h : extraHosts) {
      hosts.add(h.toLowerCase(Locale.ROOT));
    }
    this.allowedHosts = Set.copyOf(hosts);
    this.token = token == null ? null : token.getBytes(StandardCharsets.UTF_8);
    this.authenticator = authenticator;
  }

  /**
   * A token as given to a builder, checked: at least 16 characters.
   *
   * @throws InvalidArgumentException for a shorter one (its length named, never its text)
   */
  public static String checkedToken(String token) {
    Validation.notNull("token", token);
    if (token.length() < 16) {
      throw InvalidArgumentException.of("token", "(" + token.length() + " characters)", "must have at least 16 characters");
    }
    return token;
  }

  /**
   * A port as given to a builder, checked: 0 (a free one) to 65535.
   *
   * @throws InvalidArgumentException outside that range
   */
  public static int checkedPort(int port) {
    if (port < 0 || port > 65535) {
      throw InvalidArgumentException.of("port", port, "must be in [0, 65535]");
    }
    return port;
  }

  /**
   * Makes the JDK's HTTP server send small answers at once: it writes a response's headers and its
   * body as two packets, and with Nagle's algorithm on the body waits for the client's delayed ACK
   * (40 ms on Linux). The JDK reads the property when its first server starts; left alone if the
   * application set it.
   */
  public static void jdkServerNoDelay() {
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
  }

  /** Whether a token is required. */
  public boolean requiresToken() {
    return token != null;
  }

  /** Whether the Host header names a host this server answers to. */
  public boolean hostAllowed(@Nullable String hostHeader) {
    if (hostHeader == null) {
      return false;
    }
    String h = hostHeader.strip().toLowerCase(Locale.ROOT);
    if (h.startsWith("[")) {
      int end = h.indexOf(']');
      h = end < 0 ? h : h.substring(0, end + 1);
    } else if (h.indexOf(':') >= 0) {
      h = h.substring(0, h.lastIndexOf(':'));
    }
    return allowedHosts.contains(h);
  }

  /** Whether an offered token is the token, compared in constant time; false when none is required. */
  public boolean tokenMatches(String offered) {
    return token != null && MessageDigest.isEqual(token, offered.getBytes(StandardCharsets.UTF_8));
  }

  /** Whether an {@code Authorization: Bearer} header carries the token. */
  public boolean bearerMatches(@Nullable String authorization) {
    return authorization != null && authorization.startsWith("Bearer ") && tokenMatches(authorization.substring("Bearer ".length()).strip());
  }

  /** The principal of a request: the authenticator's answer (null refuses it), or {@code anonymous} without one. */
  public @Nullable String principal(Map<String, List<String>> headers, String anonymous) {
    return authenticator == null ? anonymous : authenticator.principal(headers);
  }
}
