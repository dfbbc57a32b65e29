package dev.mlops.registry;

import dev.mlops.api.registry.RegistryEvent;

/** Receives registry events. Must be quick or hand work off; an exception stops delivery of later events until the next attempt. */
@FunctionalInterface
public interface RegistryListener {
  void onEvent(RegistryEvent event) throws Exception;
}
