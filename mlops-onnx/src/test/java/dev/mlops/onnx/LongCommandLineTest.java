package dev.mlops.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlops.api.StorageBackend;
import dev.mlops.api.registry.ModelVersion;
import dev.mlops.onnx.testdata.TestModels;
import dev.mlops.registry.ModelRegistry;
import dev.mlops.registry.Registration;
import dev.mlops.testkit.ChildJvm;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An application started with a long command line, as one with many jars on its classpath is: ONNX
 * Runtime reads the command line when it creates its environment, and a JVM with a classpath of a
 * few thousand characters ended with SIGSEGV on its first ONNX model.
 */
@ChildJvm
class LongCommandLineTest {

  @Test
  void aJvmWithALongClasspathRegistersAndPredicts(@TempDir Path dir) throws Exception {
    StringBuilder cp = new StringBuilder(System.getProperty("java.class.path"));
    for (int i = 0; cp.length() < 40_000; i++) {
      cp.append(File.pathSeparator).append(dir.resolve("lib").resolve("an-application-dependency-" + i + "-1.0.0.jar"));
    }
    Path log = dir.resolve("child.log");
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", cp.toString(), Child.class.getName(), TestModels.file("torch_mlp_logits.onnx").toString())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the child JVM finished");
    String out = Files.readString(log);
    assertEquals(0, p.exitValue(), "the child JVM's exit status (139 is SIGSEGV); its output:\n" + out);
    assertTrue(out.contains("label=virginica"), out);
  }

  /** Registers PyTorch's iris export and predicts one row, in a JVM of its own. */
  public static final class Child {
    public static void main(String[] args) {
      try (StorageBackend backend = StorageBackend.open("mem:long-command-line");
          ModelRegistry registry = ModelRegistry.builder().storage(backend).flavor(OnnxFlavor.create()).build()) {
        ModelVersion v = registry.register(Registration.of("iris").fromFile(Path.of(args[0])).flavor("onnx")
            .signature(OnnxMapping.features(OnnxModelTest.IRIS).classes(OnnxModelTest.SPECIES).signature()));
        try (OnnxModel model = OnnxModel.load(registry, "models:/iris/" + v.version())) {
          OnnxPrediction p = model.predict(Map.of("sepal_length", 6.6, "sepal_width", 3.0, "petal_length", 5.6, "petal_width", 2.0));
          System.out.println("label=" + p.label());
        }
      }
    }
  }
}
