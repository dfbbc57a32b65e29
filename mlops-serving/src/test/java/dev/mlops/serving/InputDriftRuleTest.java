package dev.mlops.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlops.monitoring.Alert;
import dev.mlops.monitoring.AlertKind;
import dev.mlops.monitoring.AlertRule;
import dev.mlops.monitoring.Monitor;
import dev.mlops.monitoring.profile.Profile;
import dev.mlops.registry.ModelRegistry;
import dev.mlops.testkit.Eventually;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.tribuo.classification.Label;

/**
 * A rollout policy's input-drift rule acts on an alert's kind, never on its rule's name: an
 * application's own rule named {@code no_drift_seen} rolls no canary back, a drift alert does, and
 * so does an application's rule that declares itself drift. The monitor analyses on the logging
 * thread, so each alert reaches the rollout before the test looks.
 */
class InputDriftRuleTest {
  ModelRegistry registry;
  ModelServer server;

  @BeforeEach
  void open() throws Exception {
    registry = ModelRegistry.builder().storage("mem:input-drift-" + UUID.randomUUID()).allowJavaSerialization(ServingFixture.ALLOW_TEST_MODELS)
        .build();
    ServingFixture.register(registry, "churn", Models.train(1));
    ServingFixture.register(registry, "churn", Models.train(2));
    registry.setAlias("churn", "champion", 1);
    registry.setAlias("churn", "canary", 2);
    server = ModelServer.builder().registry(registry).build();
  }

  @AfterEach
  void close() {
    server.close();
    registry.close();
  }

  /** A rule of the application's own that fires on every window, of the given kind. */
  static AlertRule always(String name, AlertKind kind) {
    return AlertRule.of(name, kind, report -> Optional.of("window " + report.window() + " seen"));
  }

  private static Profile reference() {
    Random r = new Random(3);
    Profile p = new Profile();
    for (int i = 0; i < 2000; i++) {
      p.update(Models.request(r));
    }
    return p;
  }

  /** An endpoint whose canary takes 30 % of requests, judged on the monitor's drift alerts; returns after the canary answered. */
  private Endpoint<Label> endpoint(Monitor inputs) {
    Endpoint<Label> e = server.endpoint("churn", Label.class).serve("models:/churn@champion").canary("models:/churn@canary", 0.3).warmup(0)
        .rollout(RolloutPolicy.builder().window(10_000).inputDrift(inputs).build()).build();
    Random r = new Random(4);
    for (int i = 0; i < 50; i++) {
      e.predict(Models.request(r), "key-" + i);
    }
    return e;
  }

  private static void logWindow(Monitor m, double shift) {
    Random r = new Random(5);
    for (int i = 0; i < 200; i++) {
      Map<String, Object> row = Models.request(r);
      m.log(Map.of("x1", (Double) row.get("x1") + shift, "x2", row.get("x2")));
    }
  }

  private static double canaryWeight(Endpoint<Label> e) {
    return e.describe().variants().get(1).weight();
  }

  @Test
  @DisplayName("an alert of a custom rule named no_drift_seen is not drift: the canary keeps its weight")
  void aCustomRuleNamedLikeDriftIsNotDrift() {
    try (Monitor inputs = Monitor.builder("churn-inputs").reference(reference()).windowRows(200).executor(Runnable::run)
        .alert(always("no_drift_seen", AlertKind.CUSTOM)).build()) {
      Endpoint<Label> e = endpoint(inputs);
      List<RolloutEvent> events = new CopyOnWriteArrayList<>();
      e.onRollout(events::add);
      logWindow(inputs, 0);
      List<Alert> raised = inputs.alerts();
      assertEquals(List.of("no_drift_seen"), raised.stream().map(Alert::rule).toList(), "the custom rule fired");
      assertEquals(AlertKind.CUSTOM, raised.get(0).kind());
      assertEquals(0.3, canaryWeight(e), "not rolled back");
      assertEquals(List.of(), events);
    }
  }

  @Test
  @DisplayName("a dataset drift alert rolls the canary back")
  void aDriftAlertRollsBack() {
    try (Monitor inputs = Monitor.builder("churn-inputs").reference(reference()).windowRows(200).executor(Runnable::run)
        .alert(AlertRule.datasetDrift()).build()) {
      Endpoint<Label> e = endpoint(inputs);
      List<RolloutEvent> events = new CopyOnWriteArrayList<>();
      e.onRollout(events::add);
      logWindow(inputs, 5);
      assertEquals(AlertKind.DATASET_DRIFT, inputs.alerts().get(0).kind());
      assertEquals(0.0, canaryWeight(e), "rolled back as the alert arrived");
      Eventually.until(() -> !events.isEmpty(), "the rollback is announced");
      assertEquals("input_drift", events.get(0).rule());
    }
  }

  @Test
  @DisplayName("a custom rule that declares itself column drift rolls the canary back, whatever its name")
  void aCustomRuleOfADriftKindRollsBack() {
    try (Monitor inputs = Monitor.builder("churn-inputs").reference(reference()).windowRows(200).executor(Runnable::run)
        .alert(always("inputs_moved", AlertKind.COLUMN_DRIFT)).build()) {
      Endpoint<Label> e = endpoint(inputs);
      logWindow(inputs, 0);
      assertEquals(0.0, canaryWeight(e));
      assertTrue(inputs.alerts().get(0).kind().isDrift());
    }
  }
}
