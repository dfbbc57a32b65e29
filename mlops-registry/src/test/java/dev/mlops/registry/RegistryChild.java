package dev.mlops.registry;

import java.nio.file.Files;
import java.nio.file.Path;

/** Runs in a child JVM: registers {@code count} versions of a model into the store at {@code uri}, printing each number. */
public final class RegistryChild {
  private RegistryChild() {}

  public static void main(String[] args) throws Exception {
    String uri = args[0];
    String model = args[1];
    int count = Integer.parseInt(args[2]);
    Path f = Files.createTempFile("weights", ".bin");
    Files.write(f, new byte[] {1, 2, 3, (byte) ProcessHandle.current().pid()});
    try (ModelRegistry registry = ModelRegistry.builder().storage(uri).principal(() -> "worker-" + ProcessHandle.current().pid()).build()) {
      for (int i = 0; i < count; i++) {
        System.out.println(registry.register(Registration.of(model).fromFile(f)).version());
      }
    }
    Files.delete(f);
  }
}
