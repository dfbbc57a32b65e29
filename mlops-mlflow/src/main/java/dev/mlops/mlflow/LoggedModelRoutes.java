package dev.mlops.mlflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mlops.api.NotFoundException;
import dev.mlops.api.artifact.ArtifactInfo;
import dev.mlops.api.artifact.ArtifactPaths;
import dev.mlops.api.tracking.Experiment;
import dev.mlops.api.tracking.LifecycleStage;
import dev.mlops.api.tracking.Run;
import dev.mlops.tracking.Tracker;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * MLflow 3's {@code LoggedModel} routes ({@code service.proto}: createLoggedModel, getLoggedModel,
 * finalizeLoggedModel, deleteLoggedModel, searchLoggedModels, setLoggedModelTags,
 * deleteLoggedModelTag, LogLoggedModelParams, listLoggedModelArtifacts) and {@code runs/outputs},
 * the calls {@code mlflow.<flavor>.log_model} makes in 3.x. A model is created
 * {@code LOGGED_MODEL_PENDING} with an {@code mlflow-artifacts:} artifact URI, so its files are
 * uploaded through this server; finalizing makes it {@code LOGGED_MODEL_READY} (or
 * {@code LOGGED_MODEL_UPLOAD_FAILED}). Search takes experiment ids, a filter, datasets, an
 * ordering and pages ({@link LoggedModelSearch}).
 */
final class LoggedModelRoutes {
  static final int MAX_SEARCH_RESULTS = 50;
  static final Set<String> FINAL_STATUSES = Set.of("LOGGED_MODEL_READY", "LOGGED_MODEL_UPLOAD_FAILED");
  private final Tracker tracker;
  private final LoggedModels models;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();

  LoggedModelRoutes(Tracker tracker, LoggedModels models, Clock clock) {
    this.tracker = tracker;
    this.models = models;
    this.clock = clock;
  }

  ObjectNode create(Message m) {
    String expId = m.required("experiment_id");
    Experiment exp = tracker.getExperiment(expId).orElseThrow(() -> MlflowError.notFound("No Experiment with id=" + expId + " exists"));
    if (exp.lifecycleStage() != LifecycleStage.ACTIVE) {
      throw MlflowError.invalid("experiment_id", expId, "names a deleted experiment");
    }
    String runId = m.string("source_run_id");
    Run run = null;
    if (runId != null && !runId.isEmpty()) {
      run = tracker.store().getRun(runId).orElseThrow(() -> MlflowError.notFound("Run with id=" + runId + " not found"));
    }
    Map<String, String> params = RunRoutes.tags(m.messages("params"), "params");
    Map<String, String> tags = RunRoutes.tags(m.messages("tags"), "tags");
    byte[] bytes = new byte[16];
    random.nextBytes(bytes);
    String id = "m-" + HexFormat.of().formatHex(bytes);
    String name = m.string("name");
    name = name == null || name.isEmpty() ? "model-" + id.substring(2, 10) : dev.mlops.api.internal.Validation.key("name", name);
    long now = clock.millis();
    ObjectNode doc = Wire.object().put("model_id", id).put("experiment_id", expId).put("name", name)
        .put("creation_timestamp_ms", now).put("last_updated_timestamp_ms", now).put("status", "LOGGED_MODEL_PENDING");
    putIfGiven(doc, "model_type", m.string("model_type"));
    if (run != null) {
      doc.put("source_run_id", run.id());
      doc.put("artifact_uri", "mlflow-artifacts:/" + run.info().experimentId() + "/" + run.id() + "/artifacts/models/" + id);
    } else {
      doc.put("artifact_uri", "mlflow-artifacts:/" + expId + "/models/" + id + "/artifacts");
    }
    params.forEach(doc.putObject("params")::put);
    tags.forEach(doc.putObject("tags")::put);
    doc.putObject("metrics");
    doc.putArray("registrations");
    doc.put("deleted", false);
    models.create(doc);
    return answer(doc);
  }

  ObjectNode get(Message m) {
    return answer(models.require(m.required("model_id")));
  }

  ObjectNode finalizeModel(Message m) {
    String id = m.required("model_id");
    String status = m.required("status");
    if (!FINAL_STATUSES.contains(status)) {
      throw MlflowError.invalid("status", status, "must be one of " + new java.util.TreeSet<>(FINAL_STATUSES));
    }
    return answer(models.update(id, clock.millis(), d -> d.put("status", status)));
  }

  ObjectNode delete(Message m) {
    models.update(m.required("model_id"), clock.millis(), d -> d.put("deleted", true));
    return Wire.object();
  }

  ObjectNode setTags(Message m) {
    String id = m.required("model_id");
    Map<String, String> tags = RunRoutes.tags(m.messages("tags"), "tags");
    return answer(models.update(id, clock.millis(), d -> {
      tags.forEach(d.withObjectProperty("tags")::put);
      return d;
    }));
  }

  ObjectNode deleteTag(Message m) {
    String id = m.required("model_id");
    String key = m.required("tag_key");
    if (!models.require(id).path("tags").has(key)) {
      throw MlflowError.notFound("No tag with key '" + key + "' on logged model " + id);
    }
    models.update(id, clock.millis(), d -> {
      d.withObjectProperty("tags").remove(key);
      return d;
    });
    return Wire.object();
  }

  ObjectNode logParams(Message m) {
    String id = m.required("model_id");
    Map<String, String> params = RunRoutes.tags(m.messages("params"), "params");
    JsonNode prior = models.require(id).path("params");
    params.forEach((k, v) -> {
      if (prior.has(k) && !prior.get(k).asText().equals(v)) {
        throw MlflowError.invalid("params", k, "is already logged on model " + id + " with another value (" + prior.get(k).asText() + ")");
      }
    });
    models.update(id, clock.millis(), d -> {
      params.forEach(d.withObjectProperty("params")::put);
      return d;
    });
    return Wire.object();
  }

  /** MLflow 3's {@code SearchLoggedModels}: see {@link LoggedModelSearch} for the filter, datasets and order. */
  ObjectNode search(Message m) {
    int max = m.int32("max_results", MAX_SEARCH_RESULTS, 1, MAX_SEARCH_RESULTS);
    Set<String> experiments = new HashSet<>(m.strings("experiment_ids"));
    List<ObjectNode> candidates = new ArrayList<>();
    for (ObjectNode d : models.all()) {
      if (!d.path("deleted").asBoolean(false) && (experiments.isEmpty() || experiments.contains(d.path("experiment_id").asText()))) {
        candidates.add(d);
      }
    }
    return OffsetPages.page(LoggedModelSearch.select(candidates, m), "models", LoggedModelRoutes::model, m, max);
  }

  ObjectNode listArtifacts(Message m) {
    ObjectNode doc = models.require(m.required("model_id"));
    String dir = m.string("artifact_directory_path");
    dir = ArtifactPaths.normalize(dir == null ? "" : dir, true);
    LoggedModels.Files f = LoggedModels.files(doc);
    String full = f.folder().isEmpty() ? dir : dir.isEmpty() ? f.folder() : f.folder() + "/" + dir;
    String base = f.folder().isEmpty() ? "" : f.folder() + "/";
    ObjectNode out = Wire.object().put("root_uri", doc.path("artifact_uri").asText());
    ArrayNode files = out.putArray("files");
    List<ArtifactInfo> list;
    try {
      list = tracker.artifacts().list(f.owner(), full);
    } catch (NotFoundException e) {
      list = List.of();
    }
    for (ArtifactInfo a : list) {
      String rel = a.path().startsWith(base) ? a.path().substring(base.length()) : a.path();
      ObjectNode file = files.addObject().put("path", rel).put("is_dir", a.directory());
      if (!a.directory()) {
        file.put("file_size", a.size());
      }
    }
    return out;
  }

  // ---------------------------------------------------------------- JSON

  private static ObjectNode answer(ObjectNode doc) {
    ObjectNode out = Wire.object();
    out.set("model", model(doc));
    return out;
  }

  /** A document as MLflow's {@code LoggedModel} message: {@code info} and {@code data}. */
  static ObjectNode model(ObjectNode doc) {
    ObjectNode n = Wire.object();
    ObjectNode info = n.putObject("info");
    for (String f : List.of("model_id", "experiment_id", "name", "creation_timestamp_ms", "last_updated_timestamp_ms", "artifact_uri", "status",
        "model_type", "source_run_id", "status_message")) {
      if (doc.has(f)) {
        info.set(f, doc.get(f));
      }
    }
    info.set("tags", keyValues(doc.path("tags")));
    info.set("registrations", doc.path("registrations").isArray() ? doc.get("registrations") : Wire.JSON.createArrayNode());
    ObjectNode data = n.putObject("data");
    data.set("params", keyValues(doc.path("params")));
    ArrayNode metrics = data.putArray("metrics");
    doc.path("metrics").forEach(metrics::add);
    return n;
  }

  private static ArrayNode keyValues(JsonNode object) {
    Map<String, String> map = new java.util.TreeMap<>();
    for (Map.Entry<String, JsonNode> e : object.properties()) {
      map.put(e.getKey(), e.getValue().asText());
    }
    return Wire.keyValues(map);
  }

  private static void putIfGiven(ObjectNode n, String field, String value) {
    if (value != null && !value.isEmpty()) {
      n.put(field, value);
    }
  }
}
