package dev.mlops.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlops.registry.ModelRegistry;
import dev.mlops.testkit.ChildJvm;
import dev.mlops.testkit.Eventually;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.classification.Label;

/** An endpoint in this JVM follows an alias another JVM moves on the same file: store. */
@ChildJvm
class CrossJvmHotSwapTest {
  @TempDir
  Path dir;

  @Test
  void anEndpointFollowsAnAliasMovedByAnotherJvm() throws Exception {
    String uri = "file:" + dir.resolve("store");
    try (ModelRegistry registry = ModelRegistry.builder().storage(uri).eventPollInterval(Duration.ofMillis(50)).build()) {
      ServingFixture.register(registry, "churn", Models.train(1));
      ServingFixture.register(registry, "churn", Models.train(2));
      registry.setAlias("churn", "champion", 1);
      try (ModelServer server = ModelServer.builder().registry(registry).build()) {
        Endpoint<Label> e = server.endpoint("churn", Label.class).serve("models:/churn@champion").build();
        assertEquals(1, e.predict(Map.of("x1", 1.0, "x2", 0.0)).version());
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m", "-cp",
            System.getProperty("java.class.path"), AliasMoverChild.class.getName(), uri, "churn", "champion", "2")
            .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), out);
        assertEquals(0, p.exitValue(), out);
        assertTrue(e.awaitVersion("champion", 2, Eventually.DEFAULT_TIMEOUT), "the endpoint serves the version the other JVM moved the alias to");
        assertEquals(2, e.predict(Map.of("x1", 1.0, "x2", 0.0)).version());
      }
    }
  }
}
