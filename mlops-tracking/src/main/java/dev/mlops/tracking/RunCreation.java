package dev.mlops.tracking;

import dev.mlops.api.NotFoundException;
import dev.mlops.api.StorageBackend;
import dev.mlops.api.tracking.Experiment;
import dev.mlops.api.tracking.LifecycleStage;
import dev.mlops.api.tracking.RunInfo;
import dev.mlops.api.tracking.RunStatus;
import dev.mlops.api.tracking.TrackingStore;
import dev.mlops.tracking.internal.RunNames;
import dev.mlops.tracking.internal.SystemTags;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Makes new runs for a {@link Tracker}: a random id, a generated name when none is given, the
 * system tags (captured once per tracker, with the user of each run), the artifact location, and
 * the run written RUNNING.
 */
final class RunCreation {
  private final TrackingStore store;
  private final StorageBackend backend;
  private final boolean captureSystemTags;
  private final Path workDir;
  private final SecureRandom random;
  private volatile @Nullable Map<String, String> systemTags;

  RunCreation(TrackingStore store, StorageBackend backend, boolean captureSystemTags, Path workDir, SecureRandom random) {
    this.store = store;
    this.backend = backend;
    this.captureSystemTags = captureSystemTags;
    this.workDir = workDir;
    this.random = random;
  }

  /**
   * Writes a new RUNNING run of {@code exp} started at {@code now} by {@code user} and returns its
   * id; {@code parentRunId} is "" for none, {@code tags} are the caller's initial tags.
   *
   * @throws NotFoundException if the parent run does not exist
   */
  String create(Experiment exp, @Nullable String name, String parentRunId, Map<String, String> tags, String user, long now) {
    if (!parentRunId.isEmpty() && store.getRun(parentRunId).isEmpty()) {
      throw new NotFoundException("parent run '" + parentRunId + "' does not exist");
    }
    byte[] id = new byte[16];
    random.nextBytes(id);
    String runId = HexFormat.of().formatHex(id);
    String runName = name != null ? name : RunNames.next(random);
    Map<String, String> all = new LinkedHashMap<>();
    if (captureSystemTags) {
      all.putAll(systemTags(user));
    }
    all.put(SystemTags.RUN_NAME, runName);
    if (!parentRunId.isEmpty()) {
      all.put(SystemTags.PARENT_RUN_ID, parentRunId);
    }
    all.putAll(tags);
    RunInfo info = new RunInfo(runId, exp.id(), runName, RunStatus.RUNNING, user, now, -1, LifecycleStage.ACTIVE, artifactUri(runId),
        parentRunId);
    store.createRun(info, all, Map.of());
    return runId;
  }

  private String artifactUri(String runId) {
    if (backend.scheme().equals("file")) {
      return Path.of(backend.location()).toAbsolutePath().normalize().resolve("artifacts").resolve(runId)
          .resolve("files").toUri().toString();
    }
    return "runs:/" + runId + "/artifacts";
  }

  private Map<String, String> systemTags(String user) {
    Map<String, String> t = systemTags;
    if (t == null) {
      t = SystemTags.capture(workDir, user);
      systemTags = t;
    }
    Map<String, String> copy = new LinkedHashMap<>(t);
    copy.put(SystemTags.USER, user);
    return copy;
  }
}
