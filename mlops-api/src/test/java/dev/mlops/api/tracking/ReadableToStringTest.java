package dev.mlops.api.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mlops.api.registry.GateResult;
import dev.mlops.api.registry.PromotionRequest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReadableToStringTest {
  private static final long T0 = 1_764_000_000_000L; // 2025-11-24T16:00:00Z

  @Test
  void runsPrintIsoTimesParamsAndLatestMetricValues() {
    RunInfo info = new RunInfo("3f2a", "1", "brave-owl", RunStatus.FINISHED, "alice", T0, T0 + 61_500,
        LifecycleStage.ACTIVE, "file:/x", "");
    assertEquals("RunInfo[3f2a 'brave-owl' FINISHED, experiment 1, user alice, started 2025-11-24T16:00:00Z, "
        + "ended 2025-11-24T16:01:01.500Z]", info.toString());
    Run run = new Run(info, Map.of("lr", "0.1", "epochs", "5"),
        Map.of("loss", new Metric("loss", 0.25, T0, 9), "accuracy", new Metric("accuracy", 0.9, T0, 0)),
        Map.of("mlops.runName", "brave-owl"), List.of());
    assertEquals("Run[3f2a 'brave-owl' FINISHED, started 2025-11-24T16:00:00Z, ended 2025-11-24T16:01:01.500Z, "
        + "params {epochs=5, lr=0.1}, metrics {accuracy=0.9, loss=0.25}, 1 tags, 0 inputs]", run.toString());
    RunInfo running = new RunInfo("9c", "0", "calm-fox", RunStatus.RUNNING, "bob", T0, -1, LifecycleStage.DELETED,
        "file:/x", "3f2a");
    assertEquals("RunInfo[9c 'calm-fox' RUNNING, experiment 0, user bob, started 2025-11-24T16:00:00Z, DELETED, "
        + "parent 3f2a]", running.toString());
  }

  @Test
  void promotionRequestsPrintIsoTimesAndTheGatesThatFailed() {
    PromotionRequest r = new PromotionRequest("r1", "fraud", "champion", 3, "alice", "beats v2",
        PromotionRequest.Status.REJECTED, List.of(),
        List.of(new GateResult("metricAtLeast(accuracy, 0.9)", false, "0.85 < 0.9", "request", T0),
            new GateResult("requiredCardFields(intendedUse)", true, "", "request", T0)),
        T0, T0 + 1000);
    assertEquals("PromotionRequest[r1 fraud@champion -> v3 REJECTED, requested by alice at 2025-11-24T16:00:00Z, "
        + "decided at 2025-11-24T16:00:01Z, 0 approval(s) of 0 decision(s), 2 gate(s), "
        + "failed [metricAtLeast(accuracy, 0.9)]]", r.toString());
  }
}
