package dev.mlops.serving;

import dev.mlops.registry.ModelRegistry;

/** Runs in a child JVM: moves an alias in the store at {@code uri}. */
public final class AliasMoverChild {
  private AliasMoverChild() {}

  public static void main(String[] args) {
    try (ModelRegistry registry = ModelRegistry.builder().storage(args[0]).principal(() -> "deployer").build()) {
      registry.setAlias(args[1], args[2], Integer.parseInt(args[3]));
    }
  }
}
