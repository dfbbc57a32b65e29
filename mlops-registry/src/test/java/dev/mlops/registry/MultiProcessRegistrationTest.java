package dev.mlops.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlops.api.registry.AuditChain;
import dev.mlops.api.registry.RegistryEvent;
import dev.mlops.testkit.ChildJvm;
import dev.mlops.testkit.Postgres;
import dev.mlops.testkit.PostgresServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Several JVMs registering versions of one model at once get gap-free, duplicate-free numbers. */
@ChildJvm
class MultiProcessRegistrationTest {
  private static void registerFromThreeJvms(String uri) throws Exception {
    int jvms = 3;
    int each = 8;
    // this JVM listens while three others register: their events arrive by polling the shared store
    List<RegistryEvent> seen = new ArrayList<>();
    ModelRegistry listener = ModelRegistry.builder().storage(uri).manualEventPolling().eventExecutor(Runnable::run).build();
    listener.addListener(seen::add);
    List<Process> ps = new ArrayList<>();
    for (int i = 0; i < jvms; i++) {
      ps.add(new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m", "-cp",
          System.getProperty("java.class.path"), RegistryChild.class.getName(), uri, "shared-model", Integer.toString(each))
          .redirectError(ProcessBuilder.Redirect.DISCARD).start());
    }
    TreeSet<Integer> numbers = new TreeSet<>();
    int total = 0;
    for (Process p : ps) {
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(p.waitFor(180, TimeUnit.SECONDS));
      assertEquals(0, p.exitValue(), out);
      for (String line : out.strip().split("\n")) {
        numbers.add(Integer.parseInt(line.strip()));
        total++;
      }
    }
    assertEquals(jvms * each, total);
    assertEquals(jvms * each, numbers.size(), "no duplicates");
    assertEquals(1, numbers.first());
    assertEquals(jvms * each, numbers.last(), "no gaps");
    listener.pollEvents();
    listener.close();
    List<Integer> announced = seen.stream().filter(e -> e instanceof RegistryEvent.VersionRegistered)
        .map(e -> ((RegistryEvent.VersionRegistered) e).version()).toList();
    assertEquals(jvms * each, announced.size(), "every registration from the other JVMs was announced here");
    for (int i = 0; i < announced.size(); i++) {
      assertEquals(i + 1, announced.get(i), "announced in order");
    }
    try (ModelRegistry r = ModelRegistry.builder().storage(uri).build()) {
      assertEquals(jvms * each, r.versions("shared-model").size());
      AuditChain.Verification v = r.verifyAudit();
      assertTrue(v.valid(), v.problems().toString());
      assertEquals(jvms * each + 1, v.entries());
    }
  }

  @Test
  void onTheEmbeddedFileStore() throws Exception {
    registerFromThreeJvms(Backends.fileUri());
  }

  @Test
  @Postgres
  void onPostgres() throws Exception {
    registerFromThreeJvms(PostgresServer.newDatabase());
  }
}
