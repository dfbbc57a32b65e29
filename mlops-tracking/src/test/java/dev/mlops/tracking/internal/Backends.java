package dev.mlops.tracking.internal;

import dev.mlops.api.StorageBackend;
import dev.mlops.api.tracking.Experiment;
import dev.mlops.api.tracking.LifecycleStage;
import dev.mlops.api.tracking.RunInfo;
import dev.mlops.api.tracking.RunStatus;
import dev.mlops.api.tracking.TrackingStore;
import dev.mlops.testkit.PostgresServer;
import dev.mlops.testkit.TemporaryDirectories;
import java.util.Map;
import java.util.UUID;

/** Fresh backends of each built-in scheme for the contract tests. */
final class Backends {
  private Backends() {}

  static StorageBackend mem() {
    return StorageBackend.open("mem:test-" + UUID.randomUUID());
  }

  static StorageBackend file() {
    return StorageBackend.open("file:" + TemporaryDirectories.create("mlops-file-store-"));
  }

  static StorageBackend postgres() {
    return StorageBackend.open(PostgresServer.newDatabase());
  }

  /** Creates experiment e1 and {@code runs} active runs in it, with the ids {@link #runId} gives. */
  static void createRuns(TrackingStore store, int runs) {
    store.createExperiment(new Experiment("e1", "runs", "runs:/", LifecycleStage.ACTIVE, 1, 1, Map.of()));
    for (int i = 0; i < runs; i++) {
      String id = runId(i);
      store.createRun(new RunInfo(id, "e1", "run-" + i, RunStatus.RUNNING, "u", 1_000L + i, -1, LifecycleStage.ACTIVE, "runs:/" + id, ""),
          Map.of(), Map.of());
    }
  }

  /** The id of the run number {@code i} of {@link #createRuns}. */
  static String runId(int i) {
    return String.format("%032x", i + 1L);
  }
}
