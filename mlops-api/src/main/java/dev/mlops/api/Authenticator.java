package dev.mlops.api;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Who an HTTP request comes from, decided by the embedding application (a session cookie it
 * issued, a header its proxy sets after single sign-on, ...). The library's HTTP faces (the UI,
 * the serving endpoints) ask on every request; a null answer is refused with 401.
 * Implementations must be thread-safe.
 */
@FunctionalInterface
public interface Authenticator {
  /**
   * The principal behind a request, or null to refuse it.
   *
   * @param headers the request's headers; {@code get} finds a name whatever its case
   */
  @Nullable String principal(Map<String, List<String>> headers);
}
