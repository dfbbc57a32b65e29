package dev.mlops.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlops.testkit.ChildJvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ONNX demo run as a user runs it, in a JVM of its own: the broken canary rolled back, the retraining by an external process promoted and served. */
@ChildJvm
class OnnxDemoTest {
  @Test
  void theBrokenOnnxCanaryIsRolledBackAndTheExternalRetrainingIsPromoted(@TempDir Path dir) throws Exception {
    Path log = dir.resolve("demo.log");
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
        System.getProperty("java.class.path"), OnnxDemo.class.getName(), "mem:onnx-demo-" + UUID.randomUUID())
        .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    assertTrue(p.waitFor(14, TimeUnit.MINUTES), "the demo finished");
    String out = Files.readString(log);
    assertEquals(0, p.exitValue(), out);
    Matcher rolledBack = Pattern.compile("Rolled back: \\[.+\\]; @canary is v1").matcher(out);
    assertTrue(rolledBack.find(), out);
    assertTrue(out.contains(": PROMOTED; challenger accuracy"), out);
    assertTrue(out.contains("process exit status 0"), out);
    assertTrue(out.contains("The endpoint serves v3 (onnx), trained by the external process"), out);
  }
}
