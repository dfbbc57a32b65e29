package dev.mlops.serving;

import dev.mlops.api.registry.ModelVersion;
import dev.mlops.registry.ModelRegistry;
import dev.mlops.registry.Registration;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputFilter;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import org.tribuo.Model;

/** Registers test models: Tribuo protobuf for real ones, Java serialization (allowed by a filter) for the broken ones. */
final class ServingFixture {
  /** Lets the registry load the test's broken models, and nothing but Tribuo, OLCUT and java.* besides. */
  static final ObjectInputFilter ALLOW_TEST_MODELS = ObjectInputFilter.Config.createFilter(
      "dev.mlops.serving.Models$*;org.tribuo.**;com.oracle.labs.mlrg.olcut.**;java.**;!*");

  private ServingFixture() {}

  static ModelVersion register(ModelRegistry registry, String model, Model<?> m) {
    return registry.register(Registration.of(model).fromModel(m));
  }

  static ModelVersion registerSerialized(ModelRegistry registry, String model, Serializable m, Path dir) throws IOException {
    return registry.register(serialized(model, m, dir));
  }

  /** A Java-serialized test model with an input example (the first input its warm-up predicts from). */
  static ModelVersion registerSerialized(ModelRegistry registry, String model, Serializable m, Path dir, String inputExample)
      throws IOException {
    return registry.register(serialized(model, m, dir).inputExample(inputExample));
  }

  private static Registration serialized(String model, Serializable m, Path dir) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(m);
    }
    Path f = Files.createTempFile(dir, "model", ".ser");
    Files.write(f, bytes.toByteArray());
    return Registration.of(model).fromFile(f).flavor(ModelVersion.GENERIC);
  }
}
