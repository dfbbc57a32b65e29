package dev.mlops.mlflow;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The standalone command: its usage, a refused path, and the tracking URI it prints. */
class MlflowServerMainTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private MlflowServer start(String... args) {
    return MlflowServerMain.start(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  void aMistypedPathIsRefusedAndCreateStartsOnANewStorePrintingTheTrackingUri(@TempDir Path dir) {
    Path store = dir.resolve("mlops");
    assertNull(start("--storage", "file:" + store, "--port", "0"));
    String error = err.toString(StandardCharsets.UTF_8);
    assertTrue(error.contains("no store at file:" + store) && error.contains("--create") && error.contains("usage: mlops-mlflow"), error);
    assertFalse(Files.exists(store));
    try (MlflowServer server = start("--storage", "file:" + store, "--create", "--port", "0")) {
      assertNotNull(server, err.toString(StandardCharsets.UTF_8));
      assertTrue(out.toString(StandardCharsets.UTF_8).contains("MLFLOW_TRACKING_URI=" + server.url()), out.toString(StandardCharsets.UTF_8));
    }
    assertNull(start("--help"));
    assertTrue(out.toString(StandardCharsets.UTF_8).contains("--allow-host"));
  }
}
