package dev.mlops.monitoring;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mlops.api.StorageBackend;
import dev.mlops.monitoring.profile.Profile;
import dev.mlops.testkit.FakeClock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A monitor's cooldown holds across the processes that share its store: a service restarted on its
 * {@code file:} store (a monitor built again under the same name), or another JVM of the fleet, does
 * not page again for a rule another one raised within the cooldown; once the cooldown has passed it does.
 */
class SharedCooldownTest {
  private static final Duration COOLDOWN = Duration.ofMinutes(30);
  private final FakeClock clock = new FakeClock(1_700_000_000_000L);
  private final Profile reference = MonitorTest.reference(new Random(1));

  private List<WindowReport> shiftedWindow(StorageBackend backend, long seed) {
    List<WindowReport> reports = new ArrayList<>();
    try (Monitor m = Monitor.builder("payments").reference(reference).windowRows(500).storage(backend).clock(clock)
        .executor(Runnable::run).alert(AlertRule.columnDrift("amount")).cooldown(COOLDOWN).onReport(reports::add).build()) {
      Random r = new Random(seed);
      for (int i = 0; i < 500; i++) {
        m.log(MonitorTest.row(r, 1, null));
      }
    }
    assertEquals(1, reports.size(), reports.toString());
    return reports;
  }

  @Test
  @DisplayName("a monitor built again on the same store keeps the cooldown of the alert the first one raised")
  void theCooldownHoldsAcrossARestart(@TempDir Path dir) {
    try (StorageBackend backend = StorageBackend.open("file:" + dir.resolve("store"))) {
      WindowReport first = shiftedWindow(backend, 2).get(0);
      assertEquals(1, first.alerts().size(), first.toString());
      clock.advance(COOLDOWN.toMillis() / 2);
      WindowReport again = shiftedWindow(backend, 3).get(0); // the restarted service, or another JVM on the store
      assertEquals(List.of(), again.alerts(), "paged again within the cooldown: " + again);
      assertEquals(1, again.suppressedAlerts().size(), again.toString());
      clock.advance(COOLDOWN.toMillis());
      WindowReport later = shiftedWindow(backend, 4).get(0);
      assertEquals(1, later.alerts().size(), "the cooldown has passed: " + later);
      assertEquals(2, MonitorHistory.open(backend, "payments").alerts(java.time.Instant.MIN, 100).size());
    }
  }
}
