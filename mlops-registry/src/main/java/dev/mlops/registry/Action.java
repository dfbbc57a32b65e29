package dev.mlops.registry;

/** Mutating registry actions that the access policy is asked about. */
public enum Action {
  CREATE_MODEL,
  UPDATE_MODEL,
  REGISTER_VERSION,
  TAG,
  MOVE_ALIAS,
  MOVE_PROTECTED_ALIAS,
  REQUEST_PROMOTION,
  APPROVE,
  DELETE
}
