package dev.mlops.registry;

/**
 * Decides whether an actor may perform an action on a model. Consulted on every mutating call;
 * a denial raises {@link dev.mlops.api.AccessDeniedException} and is recorded in the audit trail.
 * Implementations must be thread-safe.
 */
@FunctionalInterface
public interface AccessPolicy {
  /** Allows everything (the default). */
  AccessPolicy ALLOW_ALL = (actor, action, model) -> true;

  /** Whether {@code actor} may perform {@code action} on the model named {@code model}. */
  boolean allows(String actor, Action action, String model);
}
