package dev.mlops.api.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The checks every HTTP server of the library makes before it reads a request: the Host header
 * against the names it answers to (against DNS rebinding), and a bearer token compared in constant
 * time. Immutable and thread-safe; the servers (the UI, the MLflow server) share it so that their
 * rules cannot drift apart.
 */
public final class HttpGuard {
  private final Set<String> allowedHosts;
  private final byte @Nullable [] token;

  /**
   * A guard for a server bound to {@code bindAddress}: the loopback names, the bound address and
   * {@code extraHosts} are allowed as Host; with a non-null {@code token}, {@link #tokenMatches}
   * accepts only it.
   */
  public HttpGuard(String bindAddress, Set<String> extraHosts, @Nullable String token) {
    Set<String> hosts = new LinkedHashSet<>(List.of("localhost", "127.0.0.1", "[::1]", "::1"));
    hosts.add(bindAddress.toLowerCase(Locale.ROOT));
    for (String h : extraHosts) {
      hosts.add(h.toLowerCase(Locale.ROOT));
    }
    this.allowedHosts = Set.copyOf(hosts);
    this.token = token == null ? null : token.getBytes(StandardCharsets.UTF_8);
  }

  /** Whether a token is required. */
  public boolean requiresToken() {
    return token != null;
  }

  /** Whether the Host header (with or without its port) names a host this server answers to; a missing header does not. */
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

  /** Whether {@code offered} is the token (compared in constant time); false when no token is set. */
  public boolean tokenMatches(@Nullable String offered) {
    return token != null && offered != null && MessageDigest.isEqual(token, offered.getBytes(StandardCharsets.UTF_8));
  }

  /** Whether an {@code Authorization} header carries the token as {@code Bearer TOKEN}. */
  public boolean bearerMatches(@Nullable String authorization) {
    return authorization != null && authorization.startsWith("Bearer ")
        && tokenMatches(authorization.substring("Bearer ".length()).strip());
  }
}
