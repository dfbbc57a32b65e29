package dev.mlops.ui;

/**
 * Who a UI request comes from: the library's {@link dev.mlops.api.Authenticator}, kept under this
 * name for code written against the UI. With a registry {@link dev.mlops.registry.AccessPolicy}
 * given to the UI, the principal sees only the models the policy lets it
 * {@link dev.mlops.registry.Action#VIEW}. Implementations must be thread-safe.
 */
@FunctionalInterface
public interface Authenticator extends dev.mlops.api.Authenticator {}
