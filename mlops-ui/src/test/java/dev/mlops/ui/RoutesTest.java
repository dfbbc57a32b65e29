package dev.mlops.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlops.api.StorageBackend;
import dev.mlops.registry.ModelRegistry;
import dev.mlops.tracking.Tracker;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The route table: each line reachable, in the order written. */
class RoutesTest {

  @Test
  void noRouteIsHiddenBehindAnEarlierOne() {
    try (StorageBackend backend = StorageBackend.open("mem:routes-" + UUID.randomUUID());
        Tracker tracker = Tracker.builder().storage(backend).build();
        ModelRegistry registry = ModelRegistry.builder().storage(backend).build()) {
      List<Route> table = new Routes(new TrackingRoutes(tracker), new RegistryRoutes(registry, null), new MonitoringRoutes(backend),
          new RetrainingRoutes(backend), Map.of()).table();
      for (int i = 0; i < table.size(); i++) {
        Route route = table.get(i);
        String example = route.prefix() + (route.pattern().endsWith("*") ? "anything" : "");
        assertTrue(route.matches("GET", example) && route.matches("HEAD", example), route.pattern());
        assertFalse(route.matches("POST", example), route.pattern());
        for (Route earlier : table.subList(0, i)) {
          assertFalse(earlier.matches("GET", example), route.pattern() + " is answered by " + earlier.pattern() + " first");
        }
      }
      assertEquals(1, table.stream().filter(r -> r.pattern().equals("/api/*")).count(), "one answer for API paths no route names");
      assertEquals("/api/*", table.get(table.size() - 1).pattern(), "and it comes last");
    }
  }
}
