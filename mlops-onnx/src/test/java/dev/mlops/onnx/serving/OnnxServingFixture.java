package dev.mlops.onnx.serving;

import dev.mlops.api.StorageBackend;
import dev.mlops.onnx.OnnxFlavor;
import dev.mlops.registry.ModelRegistry;
import dev.mlops.serving.ModelServer;
import dev.mlops.serving.ServedModel;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * Each test gets a registry with the {@code onnx} flavor on a fresh mem: store, and a server whose
 * ONNX adapter ({@link OnnxServing#adapter()}) records every model it opens, so tests can count
 * their sessions.
 */
abstract class OnnxServingFixture {
  StorageBackend backend;
  ModelRegistry registry;
  ModelServer server;
  /** Every model the adapter opened, in order. */
  final List<ServedOnnxModel<?>> opened = new CopyOnWriteArrayList<>();

  @BeforeEach
  void openStore() {
    backend = StorageBackend.open("mem:" + getClass().getSimpleName() + "-" + UUID.randomUUID());
    registry = ModelRegistry.builder().storage(backend).flavor(OnnxFlavor.create()).eventPollInterval(Duration.ofMillis(20)).build();
    server = ModelServer.builder().registry(registry).modelAdapter("onnx", source -> {
      ServedModel<?> m = OnnxServing.adapter().open(source);
      opened.add((ServedOnnxModel<?>) m);
      return m;
    }).build();
  }

  @AfterEach
  void closeStore() {
    server.close();
    registry.close();
    backend.close();
  }
}
