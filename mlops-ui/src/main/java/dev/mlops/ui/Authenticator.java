package dev.mlops.ui;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Who a request comes from, decided by the embedding application (a session cookie it issued, a
 * header its proxy sets after single sign-on, ...). The UI asks on every request; a null answer
 * is refused with 401. With a registry {@link dev.mlops.registry.AccessPolicy} given to the UI,
 * the principal sees only the models the policy lets it {@link dev.mlops.registry.Action#VIEW}.
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
