package dev.mlops.mlflow;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mlops.api.NotFoundException;
import dev.mlops.api.artifact.ArtifactStore;
import dev.mlops.api.registry.ModelVersion;
import dev.mlops.api.registry.RegisteredModel;
import dev.mlops.registry.ModelRegistry;
import dev.mlops.registry.Registration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * MLflow's model registry routes over a {@link ModelRegistry}: registered models, versions, tags,
 * aliases, latest versions and stage transitions. Every change goes through the registry, so its
 * access policy decides, its audit trail records the request's principal, and a protected alias
 * stays protected.
 *
 * <p>Stages are this library's aliases: {@code Staging} is the alias {@code staging},
 * {@code Production} the alias {@code production}; a version's {@code current_stage} is the stage
 * whose alias points at it ({@code Production} first), else {@code None}. A transition to
 * {@code Staging} or {@code Production} moves that alias; to {@code None} or {@code Archived} it
 * removes the stage aliases that point at the version ({@code archive_existing_versions} changes
 * nothing: an alias points at one version, so the others leave the stage when it moves). A protected alias (see
 * {@link ModelRegistry.Builder#protectAlias}) is not moved by a transition or by setting it: the
 * registry refuses (audited) and the client gets {@code PERMISSION_DENIED}; it moves only when a
 * promotion request is approved, through the library's API or the UI.
 *
 * <p>A version's bytes come from its {@code source}: {@code runs:/RUN/PATH} or the
 * {@code mlflow-artifacts:/EXPERIMENT/RUN/artifacts/PATH} a run of this server logged to. A
 * directory (an MLflow model directory) gives its one {@code .onnx} file (flavor {@code onnx}), or
 * else its one model file beside MLflow's metadata files (flavor {@code generic}); the column names
 * of its {@code MLmodel} signature become the version's input signature, and a version tag
 * {@code mlops.classes} ({@code "setosa,versicolor,virginica"}) names a classifier's classes.
 */
final class RegistryRoutes {
  /** A version tag naming a classifier's classes in the order of its score columns, comma-separated (MLflow's signature has no such field). */
  static final String CLASSES_TAG = "mlops.classes";
  static final Map<String, String> STAGE_ALIASES = Map.of("staging", "Staging", "production", "Production");
  private final ModelRegistry registry;
  private final VersionSources sources;
  private final LoggedModels loggedModels;
  private final java.time.Clock clock;

  RegistryRoutes(ModelRegistry registry, ArtifactStore artifacts, LoggedModels loggedModels, java.time.Clock clock) {
    this.registry = registry;
    this.sources = new VersionSources(artifacts, loggedModels);
    this.loggedModels = loggedModels;
    this.clock = clock;
  }

  // ---------------------------------------------------------------- registered models

  ObjectNode createModel(Message m) {
    RegisteredModel model = registry.createModel(m.required("name"), orEmpty(m.string("description")), RunRoutes.tags(m.messages("tags"), "tags"));
    ObjectNode out = Wire.object();
    out.set("registered_model", model(model));
    return out;
  }

  ObjectNode getModel(Message m) {
    ObjectNode out = Wire.object();
    out.set("registered_model", model(requireModel(m.required("name"))));
    return out;
  }

  ObjectNode updateModel(Message m) {
    String name = requireModel(m.required("name")).name();
    if (m.has("description")) {
      registry.setModelDescription(name, orEmpty(m.string("description")));
    }
    return getModel(m);
  }

  ObjectNode renameModel(Message m) {
    String name = requireModel(m.required("name")).name();
    String newName = m.required("new_name");
    registry.renameModel(name, newName);
    ObjectNode out = Wire.object();
    out.set("registered_model", model(requireModel(newName)));
    return out;
  }

  ObjectNode deleteModel(Message m) {
    registry.deleteModel(requireModel(m.required("name")).name());
    return Wire.object();
  }

  ObjectNode setModelTag(Message m) {
    registry.setModelTag(requireModel(m.required("name")).name(), m.required("key"), orEmpty(m.string("value")));
    return Wire.object();
  }

  /** MLflow's {@code delete_registered_model_tag}: a key the model does not have changes nothing, as in MLflow's stores. */
  ObjectNode deleteModelTag(Message m) {
    registry.deleteModelTag(requireModel(m.required("name")).name(), m.required("key"));
    return Wire.object();
  }

  ObjectNode searchModels(Message m) {
    int max = m.int32("max_results", 100, 1, 1000);
    String filter = m.string("filter");
    List<RegisteredModel> all = new ArrayList<>(registry.searchModels(filter == null ? "" : filter));
    all.sort(Comparator.comparing(RegisteredModel::name));
    return OffsetPages.page(all, "registered_models", this::model, m, max);
  }

  ObjectNode latestVersions(Message m) {
    String name = requireModel(m.required("name")).name();
    List<String> stages = m.strings("stages").stream().map(s -> s.toLowerCase(Locale.ROOT)).toList();
    ObjectNode out = Wire.object();
    ArrayNode list = out.putArray("model_versions");
    for (ModelVersion v : latestPerStage(name)) {
      if (stages.isEmpty() || stages.contains(stage(name, v.version()).toLowerCase(Locale.ROOT))) {
        list.add(version(v));
      }
    }
    return out;
  }

  /** MLflow's latest versions: per stage, the highest version in it. */
  private List<ModelVersion> latestPerStage(String name) {
    Map<String, ModelVersion> latest = new java.util.TreeMap<>();
    for (ModelVersion v : registry.versions(name)) {
      latest.merge(stage(name, v.version()), v, (a, b) -> a.version() >= b.version() ? a : b);
    }
    return List.copyOf(latest.values());
  }

  // ---------------------------------------------------------------- versions

  ObjectNode createVersion(Message m) {
    String source = m.required("source");
    String modelId = m.string("model_id");
    if (modelId != null && !modelId.isEmpty()) {
      loggedModels.require(modelId);
    }
    ModelVersion v = register(m.required("name"), source, m.string("run_id"), orEmpty(m.string("description")),
        RunRoutes.tags(m.messages("tags"), "tags"), source, modelId);
    ObjectNode out = Wire.object();
    out.set("model_version", version(v));
    return out;
  }

  /**
   * Registers the model file {@code source} names (see {@link VersionSources}) as a new version,
   * with the flavor its file name gives ({@code .onnx}: onnx, else generic), the signature of its
   * {@code MLmodel} file, the tags, and the tag {@code mlflow.source} = {@code reportedSource} (what
   * MLflow's clients read back as the version's source); a version of a logged model ({@code modelId},
   * or the one the source's path names) is linked to it. A logged model without a run gives a version
   * without a source run, whose lineage is the model's experiment, params and metrics.
   */
  ModelVersion register(String name, String source, @org.jspecify.annotations.Nullable String runId, String description, Map<String, String> tags,
      String reportedSource, @org.jspecify.annotations.Nullable String modelId) {
    VersionSources.Source s = sources.resolve(source, runId);
    if (modelId == null || modelId.isEmpty()) {
      modelId = s.loggedModelId();
    }
    Registration r = Registration.of(name).description(description);
    if (s.ofRun()) {
      r.fromRunArtifact(s.owner(), s.path());
    } else {
      // a logged model without a run: its own files, and the lineage it has (experiment, params, metrics)
      r.fromArtifact(s.owner(), s.path()).lineage(LoggedModels.lineage(loggedModels.require(s.owner())));
    }
    if (s.path().endsWith(".onnx")) {
      r.flavor(ModelVersion.ONNX);
    } else {
      r.flavor(ModelVersion.GENERIC);
    }
    sources.signature(s, tags.get(CLASSES_TAG)).ifPresent(r::signature);
    tags.forEach(r::tag);
    r.tag("mlflow.source", reportedSource);
    if (modelId != null && !modelId.isEmpty()) {
      r.tag("mlflow.modelId", modelId);
    }
    ModelVersion v = registry.register(r);
    if (modelId != null && !modelId.isEmpty()) {
      loggedModels.update(modelId, clock.millis(), d -> {
        d.withArrayProperty("registrations").addObject().put("name", v.name()).put("version", Integer.toString(v.version()));
        return d;
      });
    }
    return v;
  }

  /** The alias MLflow's stage is mapped onto ({@code Staging}: {@code staging}, {@code Production}: {@code production}), if it has one. */
  static java.util.Optional<String> stageAlias(String stage) {
    return STAGE_ALIASES.entrySet().stream().filter(e -> e.getValue().equalsIgnoreCase(stage)).map(Map.Entry::getKey).findFirst();
  }

  ObjectNode getVersion(Message m) {
    ObjectNode out = Wire.object();
    out.set("model_version", version(requireVersion(m)));
    return out;
  }

  ObjectNode updateVersion(Message m) {
    ModelVersion v = requireVersion(m);
    if (m.has("description")) {
      registry.setVersionDescription(v.name(), v.version(), orEmpty(m.string("description")));
      v = registry.getVersion(v.name(), v.version());
    }
    ObjectNode out = Wire.object();
    out.set("model_version", version(v));
    return out;
  }

  ObjectNode deleteVersion(Message m) {
    ModelVersion v = requireVersion(m);
    registry.deleteVersion(v.name(), v.version());
    return Wire.object();
  }

  ObjectNode setVersionTag(Message m) {
    ModelVersion v = requireVersion(m);
    registry.setVersionTag(v.name(), v.version(), m.required("key"), orEmpty(m.string("value")));
    return Wire.object();
  }

  /** MLflow's {@code delete_model_version_tag}: a key the version does not have changes nothing, as in MLflow's stores. */
  ObjectNode deleteVersionTag(Message m) {
    ModelVersion v = requireVersion(m);
    registry.deleteVersionTag(v.name(), v.version(), m.required("key"));
    return Wire.object();
  }

  ObjectNode downloadUri(Message m) {
    ModelVersion v = requireVersion(m);
    String source = v.tags().getOrDefault("mlflow.source", v.source());
    String modelId = v.tags().get("mlflow.modelId");
    if (modelId != null && source.startsWith("models:/m-")) {
      // MLflow 3 answers a logged model's version with the model's artifact location (its storage_location)
      var doc = loggedModels.find(modelId);
      if (doc.isPresent()) {
        source = doc.get().path("artifact_uri").asText(source);
      }
    }
    return Wire.object().put("artifact_uri", source);
  }

  ObjectNode searchVersions(Message m) {
    String filter = m.string("filter");
    String name = nameFilter(filter);
    int max = m.int32("max_results", 10_000, 1, 200_000);
    List<ModelVersion> all = new ArrayList<>();
    for (RegisteredModel model : registry.searchModels(name == null ? "" : "name = '" + name.replace("'", "\\'") + "'")) {
      all.addAll(registry.versions(model.name()));
    }
    all.sort(Comparator.comparing(ModelVersion::name).thenComparing(Comparator.comparingInt(ModelVersion::version).reversed()));
    return OffsetPages.page(all, "model_versions", this::version, m, max);
  }

  ObjectNode transitionStage(Message m) {
    ModelVersion v = requireVersion(m);
    String stage = m.required("stage").toLowerCase(Locale.ROOT);
    switch (stage) {
      case "staging", "production" -> registry.setAlias(v.name(), stage, v.version());
      case "none", "archived" -> {
        for (Map.Entry<String, Integer> a : registry.aliases(v.name()).entrySet()) {
          if (STAGE_ALIASES.containsKey(a.getKey()) && a.getValue() == v.version()) {
            registry.deleteAlias(v.name(), a.getKey());
          }
        }
      }
      default -> throw MlflowError.invalid("stage", m.string("stage"), "must be one of None, Staging, Production, Archived");
    }
    ObjectNode out = Wire.object();
    out.set("model_version", version(registry.getVersion(v.name(), v.version())));
    return out;
  }

  // ---------------------------------------------------------------- aliases

  ObjectNode setAlias(Message m) {
    String name = requireModel(m.required("name")).name();
    registry.setAlias(name, m.required("alias"), versionNumber(m.required("version")));
    return Wire.object();
  }

  ObjectNode deleteAlias(Message m) {
    String name = requireModel(m.required("name")).name();
    String alias = m.required("alias");
    if (!registry.aliases(name).containsKey(alias)) {
      throw MlflowError.invalid("alias", alias, "is not an alias of registered model '" + name + "'");
    }
    registry.deleteAlias(name, alias);
    return Wire.object();
  }

  ObjectNode getByAlias(Message m) {
    String name = requireModel(m.required("name")).name();
    String alias = m.required("alias");
    Integer version = registry.aliases(name).get(alias);
    if (version == null) {
      // MLflow answers an unknown alias with 400 INVALID_PARAMETER_VALUE, not 404
      throw MlflowError.invalid("Registered model alias " + alias + " not found.");
    }
    ObjectNode out = Wire.object();
    out.set("model_version", version(registry.getVersion(name, version)));
    return out;
  }

  // ---------------------------------------------------------------- JSON

  private ObjectNode model(RegisteredModel r) {
    ObjectNode n = Wire.object()
        .put("name", r.name())
        .put("creation_timestamp", r.creationTime())
        .put("last_updated_timestamp", r.lastUpdatedTime())
        .put("description", r.description());
    n.set("tags", Wire.keyValues(r.tags()));
    ArrayNode aliases = n.putArray("aliases");
    new java.util.TreeMap<>(registry.aliases(r.name())).forEach((a, v) -> aliases.addObject().put("alias", a).put("version", Integer.toString(v)));
    ArrayNode latest = n.putArray("latest_versions");
    latestPerStage(r.name()).forEach(v -> latest.add(version(v)));
    return n;
  }

  private ObjectNode version(ModelVersion v) {
    ObjectNode n = Wire.object()
        .put("name", v.name())
        .put("version", Integer.toString(v.version()))
        .put("creation_timestamp", v.creationTime())
        .put("last_updated_timestamp", v.lastUpdatedTime())
        .put("user_id", v.createdBy())
        .put("current_stage", stage(v.name(), v.version()))
        .put("description", v.description())
        .put("source", v.tags().getOrDefault("mlflow.source", v.source()))
        .put("run_id", v.lineage().runId())
        .put("status", v.status().name());
    if (v.tags().containsKey("mlflow.modelId")) {
      n.put("model_id", v.tags().get("mlflow.modelId"));
    }
    n.set("tags", Wire.keyValues(v.tags()));
    ArrayNode aliases = n.putArray("aliases");
    new java.util.TreeMap<>(registry.aliases(v.name())).forEach((a, num) -> {
      if (num == v.version()) {
        aliases.add(a);
      }
    });
    return n;
  }

  private String stage(String name, int version) {
    Map<String, Integer> aliases = registry.aliases(name);
    if (Integer.valueOf(version).equals(aliases.get("production"))) {
      return "Production";
    }
    if (Integer.valueOf(version).equals(aliases.get("staging"))) {
      return "Staging";
    }
    return "None";
  }

  // ---------------------------------------------------------------- parsing

  private RegisteredModel requireModel(String name) {
    return registry.getModel(name).orElseThrow(() -> MlflowError.notFound("Registered Model with name=" + name + " not found"));
  }

  private ModelVersion requireVersion(Message m) {
    String name = m.required("name");
    int version = versionNumber(m.required("version"));
    try {
      return registry.getVersion(name, version);
    } catch (NotFoundException e) {
      throw MlflowError.notFound("Model Version (name=" + name + ", version=" + version + ") not found");
    }
  }

  private static int versionNumber(String s) {
    try {
      int v = Integer.parseInt(s.strip());
      if (v < 1) {
        throw MlflowError.invalid("version", s, "must be a version number (1, 2, ...)");
      }
      return v;
    } catch (NumberFormatException e) {
      throw MlflowError.invalid("version", s, "must be a version number (1, 2, ...)");
    }
  }

  /** The model name of a {@code name = '...'} or {@code name='...'} filter, or null for none. */
  private static String nameFilter(String filter) {
    if (filter == null || filter.isBlank()) {
      return null;
    }
    var matcher = java.util.regex.Pattern.compile("^\\s*name\\s*=\\s*['\"](.*)['\"]\\s*$").matcher(filter);
    if (!matcher.matches()) {
      throw MlflowError.invalid("filter", filter, "model versions are searched by name = '...' only");
    }
    return matcher.group(1);
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }
}
