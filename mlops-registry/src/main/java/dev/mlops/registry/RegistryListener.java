package dev.mlops.registry;

import dev.mlops.api.registry.RegistryEvent;

/** Receives registry events. Must be quick or hand work off; an exception stops delivery of later events until the next attempt. */
@FunctionalInterface
public interface RegistryListener {
  /** Called once per event, in order, on the registry's event executor; an exception is logged and delivery goes on. */
  void onEvent(RegistryEvent event) throws Exception;
}
