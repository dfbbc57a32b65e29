package dev.mlops.monitoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlops.api.InvalidArgumentException;
import dev.mlops.monitoring.drift.DriftOptions;
import dev.mlops.monitoring.drift.DriftTest;
import dev.mlops.monitoring.profile.Profile;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** A monitor's builder refuses options that contradict each other, naming both, instead of letting one silently win. */
class MonitorBuilderTest {
  private static Profile reference() {
    Random r = new Random(1);
    Profile p = new Profile();
    for (int i = 0; i < 1500; i++) {
      p.update(Map.of("amount", 100 + 20 * r.nextGaussian(), "channel", r.nextBoolean() ? "web" : "app", "label", r.nextInt(2)));
    }
    return p;
  }

  private static void assertRefused(Runnable call, String... words) {
    InvalidArgumentException e = assertThrows(InvalidArgumentException.class, call::run);
    for (String w : words) {
      assertTrue(e.getMessage().contains(w), "'" + w + "' in: " + e.getMessage());
    }
  }

  @Nested
  @DisplayName("windows close by count or by time")
  class Windows {
    @Test
    @DisplayName("windowRows after windowDuration is refused, naming both")
    void rowsAfterDuration() {
      MonitorBuilder b = Monitor.builder("m").reference(reference()).windowDuration(Duration.ofMinutes(5));
      assertRefused(() -> b.windowRows(500), "window rows = 500", "windowDuration(PT5M)");
    }

    @Test
    @DisplayName("windowDuration after windowRows is refused, naming both")
    void durationAfterRows() {
      MonitorBuilder b = Monitor.builder("m").reference(reference()).windowRows(500);
      assertRefused(() -> b.windowDuration(Duration.ofMinutes(5)), "window duration = PT5M", "windowRows(500)");
    }

    @Test
    @DisplayName("the refused option leaves the builder as it was")
    void refusalChangesNothing() {
      MonitorBuilder b = Monitor.builder("m").reference(reference()).windowRows(3).executor(Runnable::run);
      assertThrows(InvalidArgumentException.class, () -> b.windowDuration(Duration.ofMinutes(5)));
      Monitor m = b.build();
      for (int i = 0; i < 3; i++) {
        m.log(Map.of("amount", 100.0, "channel", "web", "label", 0));
      }
      assertEquals(1, m.reports().size(), "still a window of 3 rows");
    }

    @Test
    @DisplayName("maxWindowRows without windowDuration is refused at build()")
    void maxRowsNeedsADuration() {
      MonitorBuilder b = Monitor.builder("m").reference(reference()).windowRows(500).maxWindowRows(100);
      assertRefused(b::build, "max window rows = 100", "windowDuration", "windowRows(500)");
    }
  }

  @Nested
  @DisplayName("drift options fit a monitor")
  class Drift {
    @Test
    @DisplayName("a test that reads raw reference values is refused: a monitor keeps a profile")
    void rawValueTestsAreRefused() {
      MonitorBuilder forced = Monitor.builder("m").reference(reference()).drift(DriftOptions.builder().test(DriftTest.ANDERSON).build());
      assertRefused(forced::build, "drift test = 'anderson'", "raw reference values");
      MonitorBuilder own = Monitor.builder("m").reference(reference()).drift(DriftOptions.builder().columnTest("amount", DriftTest.MANNW).build());
      assertRefused(own::build, "drift test = 'mannw'");
    }

    @Test
    @DisplayName("options naming a column the monitor does not watch are refused")
    void unwatchedColumnsAreRefused() {
      MonitorBuilder b = Monitor.builder("m").reference(reference()).exclude("label")
          .drift(DriftOptions.builder().columnThreshold("label", 0.2).build());
      assertRefused(b::build, "drift options = 'label'", "is not a column the monitor watches");
    }

    @Test
    @DisplayName("options may name the segment column: segments are compared without it")
    void optionsMayNameTheSegmentColumn() {
      Random r = new Random(2);
      try (Monitor m = Monitor.builder("m").reference(reference()).windowRows(400).segmentBy("channel", 50).executor(Runnable::run)
          .drift(DriftOptions.builder().columnTest("channel", DriftTest.CHISQUARE).exclude(Set.of("label")).build()).build()) {
        for (int i = 0; i < 400; i++) {
          m.log(Map.of("amount", 100 + 20 * r.nextGaussian(), "channel", r.nextBoolean() ? "web" : "app", "label", r.nextInt(2)));
        }
        WindowReport w = m.reports().get(0);
        assertEquals(Set.of("web", "app"), w.segments().keySet());
        w.segments().values().forEach(s -> assertEquals(java.util.List.of("amount"), s.columns().stream().map(c -> c.name()).toList()));
        assertEquals("chisquare", w.drift().columns().stream().filter(c -> c.name().equals("channel")).findFirst().orElseThrow().test());
      }
    }
  }
}
