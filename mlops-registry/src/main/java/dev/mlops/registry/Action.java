package dev.mlops.registry;

/** Mutating registry actions that the access policy is asked about. */
public enum Action {
  /** Creating a registered model. */
  CREATE_MODEL,
  /** Changing a model or a version: its description, name or status. */
  UPDATE_MODEL,
  /** Registering a new version. */
  REGISTER_VERSION,
  /** Setting or deleting tags on a model or version. */
  TAG,
  /** Setting or deleting an unprotected alias. */
  MOVE_ALIAS,
  /** Moving a protected alias directly, outside a promotion request. */
  MOVE_PROTECTED_ALIAS,
  /** Opening a promotion request. */
  REQUEST_PROMOTION,
  /** Approving or rejecting a promotion request. */
  APPROVE,
  /** Deleting a model or version. */
  DELETE,
  /**
   * Seeing a model, its versions, promotion requests and audit entries where a read-only surface
   * filters what it shows (the web UI); the registry's own read methods do not check it.
   */
  VIEW
}
