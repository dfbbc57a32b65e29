package dev.mlops.mlflow;

import dev.mlops.api.MlopsException;
import dev.mlops.api.registry.ModelVersion;
import dev.mlops.api.registry.RegisteredModel;
import dev.mlops.api.tracking.TrackingStore;
import dev.mlops.registry.ModelRegistry;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Imports MLflow's registered models (see {@link MlflowImporter}) through the {@link ModelRegistry},
 * so the audit trail records each change and a protected alias is not moved: a model with its
 * description and tags, each version registered from its run's imported artifact by the server's
 * own registration ({@link RegistryRoutes#register}), the version's tags, the aliases, and the
 * stages as the server maps them ({@link RegistryRoutes#stageAlias}).
 */
final class ModelImport {
  private final ModelRegistry registry;
  private final RegistryRoutes routes;
  private final TrackingStore runs;
  private final Tally tally;
  private final boolean dryRun;

  ModelImport(ModelRegistry registry, RegistryRoutes routes, TrackingStore runs, Tally tally, boolean dryRun) {
    this.registry = registry;
    this.routes = routes;
    this.runs = runs;
    this.tally = tally;
    this.dryRun = dryRun;
  }

  void importAll(List<MlflowSource.SourceModel> models) {
    for (MlflowSource.SourceModel m : models) {
      try {
        importModel(m);
      } catch (MlopsException | MlflowError e) {
        tally.leftOut("registered model '" + m.name() + "': " + e.getMessage());
      }
    }
  }

  private void importModel(MlflowSource.SourceModel m) {
    Optional<RegisteredModel> existing = registry.getModel(m.name());
    if (existing.isPresent() && !existing.get().tags().containsKey(MlflowImporter.MODEL_TAG)) {
      tally.leftOut("registered model '" + m.name() + "': a model of that name exists in the target store and was not imported from MLflow");
      return;
    }
    if (existing.isEmpty()) {
      tally.imported("registered models", 1);
      tally.imported("tags", m.tags().size());
      if (!dryRun) {
        Map<String, String> tags = new LinkedHashMap<>(m.tags());
        tags.put(MlflowImporter.MODEL_TAG, "true");
        registry.createModel(m.name(), m.description(), tags);
      }
    } else {
      tally.already("registered models", 1);
      m.tags().forEach((k, v) -> {
        if (v.equals(existing.get().tags().get(k))) {
          tally.already("tags", 1);
        } else {
          tally.imported("tags", 1);
          if (!dryRun) {
            registry.setModelTag(m.name(), k, v);
          }
        }
      });
    }
    Map<Integer, Integer> numbers = new HashMap<>();
    if (existing.isPresent()) {
      for (ModelVersion v : registry.versions(m.name())) {
        String n = v.tags().get(MlflowImporter.VERSION_TAG);
        if (n != null) {
          numbers.put(Integer.parseInt(n), v.version());
        }
      }
    }
    for (MlflowSource.SourceVersion v : m.versions()) {
      if (numbers.containsKey(v.version())) {
        tally.already("model versions", 1);
        continue;
      }
      importVersion(m.name(), v).ifPresent(n -> numbers.put(v.version(), n));
    }
    Map<String, Integer> aliases = new LinkedHashMap<>(m.aliases());
    for (MlflowSource.SourceVersion v : m.versions()) {
      RegistryRoutes.stageAlias(v.stage()).ifPresent(a -> aliases.putIfAbsent(a, v.version()));
    }
    Map<String, Integer> current = existing.isPresent() || !dryRun ? registry.aliases(m.name()) : Map.of();
    aliases.forEach((alias, version) -> {
      String item = "alias '" + alias + "' of registered model '" + m.name() + "' (MLflow version " + version + ")";
      Integer target = numbers.get(version);
      if (target == null && !dryRun) {
        tally.leftOut(item + ": the version was not imported");
      } else if (target != null && target.equals(current.get(alias))) {
        tally.already("aliases", 1);
      } else {
        tally.imported("aliases", 1);
        if (!dryRun) {
          try {
            registry.setAlias(m.name(), alias, target);
          } catch (MlopsException e) {
            tally.leftOut(item + ": " + e.getMessage());
          }
        }
      }
    });
  }

  /** Registers a version from its run's imported artifact; its number in this registry, or empty (left out, or a dry run). */
  private Optional<Integer> importVersion(String model, MlflowSource.SourceVersion v) {
    String item = "model version " + v.version() + " of registered model '" + model + "'";
    Optional<RunPath> path = artifactPath(v);
    if (path.isEmpty()) {
      tally.leftOut(item + ": its source " + v.source() + " is not an artifact of its run (" + (v.runId().isEmpty() ? "none" : v.runId())
          + "), so its bytes were not imported");
      return Optional.empty();
    }
    if (dryRun) {
      tally.imported("model versions", 1);
      return Optional.empty();
    }
    String runId = path.get().runId();
    if (runs.getRun(runId).isEmpty()) {
      tally.leftOut(item + ": its run " + runId + " was not imported");
      return Optional.empty();
    }
    Map<String, String> tags = new LinkedHashMap<>(v.tags());
    tags.put(MlflowImporter.VERSION_TAG, Integer.toString(v.version()));
    try {
      ModelVersion created = routes.register(model, "runs:/" + runId + "/" + path.get().path(), runId, v.description(), tags, v.source(), null);
      tally.imported("model versions", 1);
      tally.imported("tags", v.tags().size());
      if (created.version() != v.version()) {
        tally.leftOut(item + ": imported as version " + created.version() + " (this registry numbers versions without gaps)");
      }
      return Optional.of(created.version());
    } catch (MlopsException | MlflowError e) {
      tally.leftOut(item + ": " + e.getMessage());
      return Optional.empty();
    }
  }

  /**
   * The artifact path in the version's run that its source names: {@code runs:/RUN/PATH}, or a
   * location ending in {@code RUN/artifacts/PATH} (a file store's, or a local database store's,
   * absolute artifact location, wherever the store was when the version was created).
   */
  static Optional<RunPath> artifactPath(MlflowSource.SourceVersion v) {
    String s = v.source();
    if (s.startsWith("runs:/")) {
      String[] p = s.substring("runs:/".length()).split("/", 2);
      return p[0].equals(v.runId()) || v.runId().isEmpty() ? Optional.of(new RunPath(p[0], p.length > 1 ? p[1] : "")) : Optional.empty();
    }
    String marker = "/" + v.runId() + "/artifacts";
    int at = v.runId().isEmpty() ? -1 : s.indexOf(marker);
    if (at < 0) {
      return Optional.empty();
    }
    return Optional.of(new RunPath(v.runId(), s.substring(at + marker.length()).replaceFirst("^/+", "")));
  }

  /** A run's artifact path. */
  record RunPath(String runId, String path) {}
}
