package dev.mlops.ui;

/**
 * Who a request comes from, decided by the embedding application (a session cookie it issued, a
 * header its proxy sets after single sign-on, ...): the library's {@link dev.mlops.api.Authenticator}
 * under the UI's name. The UI asks on every request; a null answer is refused with 401. With a
 * registry {@link dev.mlops.registry.AccessPolicy} given to the UI, the principal sees only the
 * models the policy lets it {@link dev.mlops.registry.Action#VIEW}. Implementations must be
 * thread-safe.
 */
@FunctionalInterface
public interface Authenticator extends dev.mlops.api.Authenticator {}
