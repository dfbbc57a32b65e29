package dev.mlops.mlflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mlops.api.NotFoundException;
import dev.mlops.api.artifact.ArtifactInfo;
import dev.mlops.api.artifact.ArtifactStore;
import dev.mlops.api.registry.Lineage;
import dev.mlops.api.tracking.Metric;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.UnaryOperator;

/**
 * MLflow 3's logged models, kept in the store's artifact store: each as one JSON document
 * ({@code <model_id>.json} under the owner {@value #OWNER}), written atomically as every artifact
 * is, so a reopened store has them. The document holds the model's fields as MLflow's
 * {@code LoggedModelInfo} names them, its params and tags as objects, the latest value of each
 * metric (per dataset) linked to it, its registrations and a {@code deleted} flag.
 *
 * <p>Where its files live: a model logged from a run keeps them among that run's artifacts, under
 * {@code models/<model_id>/} (so a version registered from it has the run as its lineage); a model
 * without a run keeps them under its own id. Changes are serialized in this server (one lock);
 * two servers writing the same logged model at once may lose one change.
 */
final class LoggedModels {
  static final String OWNER = "mlflow-logged-models";
  private final ArtifactStore artifacts;
  private final Object lock = new Object();

  LoggedModels(ArtifactStore artifacts) {
    this.artifacts = artifacts;
  }

  /** Stores a new model document. */
  void create(ObjectNode doc) {
    synchronized (lock) {
      write(doc);
    }
  }

  /** A model's document, deleted ones included. */
  Optional<ObjectNode> find(String modelId) {
    if (!modelId.matches("[a-zA-Z0-9][\\w-]{0,200}")) {
      return Optional.empty();
    }
    try (InputStream in = artifacts.open(OWNER, modelId + ".json")) {
      JsonNode n = Wire.JSON.readTree(in);
      return n instanceof ObjectNode o ? Optional.of(o) : Optional.empty();
    } catch (NotFoundException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read logged model " + modelId, e);
    }
  }

  /** A model that is not deleted. @throws MlflowError RESOURCE_DOES_NOT_EXIST otherwise */
  ObjectNode require(String modelId) {
    return find(modelId).filter(d -> !d.path("deleted").asBoolean(false))
        .orElseThrow(() -> MlflowError.notFound("Logged model with ID '" + modelId + "' not found."));
  }

  /** Applies {@code change} to a model's document and stores the result; answers it. */
  ObjectNode update(String modelId, long time, UnaryOperator<ObjectNode> change) {
    synchronized (lock) {
      ObjectNode doc = change.apply(require(modelId).deepCopy());
      doc.put("last_updated_timestamp_ms", time);
      write(doc);
      return doc;
    }
  }

  /** Every model document, deleted ones included, by model id. */
  List<ObjectNode> all() {
    List<ObjectNode> out = new ArrayList<>();
    for (ArtifactInfo a : artifacts.list(OWNER, "")) {
      if (!a.directory() && a.path().endsWith(".json")) {
        find(a.path().substring(0, a.path().length() - ".json".length())).ifPresent(out::add);
      }
    }
    return out;
  }

  /**
   * A metric point linked to a logged model, with the dataset it was computed on (MLflow 3's
   * {@code Metric.dataset_name} and {@code dataset_digest}; empty when none).
   */
  record LinkedMetric(Metric point, String datasetName, String datasetDigest) {}

  /**
   * Links metric points to a model: the latest (by timestamp, then step) of each key and dataset is
   * kept, as MLflow keeps a logged model's metrics per key and dataset.
   */
  void linkMetrics(String modelId, String runId, List<LinkedMetric> points, long time) {
    update(modelId, time, doc -> {
      ObjectNode metrics = doc.withObjectProperty("metrics");
      for (LinkedMetric l : points) {
        Metric p = l.point();
        String slot = l.datasetName().isEmpty() ? p.key() : p.key() + '\u001f' + l.datasetName() + '\u001f' + l.datasetDigest();
        JsonNode prior = metrics.get(slot);
        if (prior == null || prior.path("timestamp").asLong() < p.timestamp()
            || prior.path("timestamp").asLong() == p.timestamp() && prior.path("step").asLong() <= p.step()) {
          ObjectNode m = Wire.metric(p);
          m.put("run_id", runId).put("model_id", modelId);
          if (!l.datasetName().isEmpty()) {
            m.put("dataset_name", l.datasetName());
            if (!l.datasetDigest().isEmpty()) {
              m.put("dataset_digest", l.datasetDigest());
            }
          }
          metrics.set(slot, m);
        }
      }
      return doc;
    });
  }

  /**
   * The lineage a logged model gives a version registered from it when it has no run: its
   * experiment, params, the latest value of each metric linked to it, the datasets ({@code name@digest})
   * those metrics were computed on, and the git commit MLflow tags it with, if any.
   */
  static Lineage lineage(ObjectNode doc) {
    Map<String, String> params = new TreeMap<>();
    doc.path("params").properties().forEach(e -> params.put(e.getKey(), e.getValue().asText()));
    Map<String, Double> metrics = new TreeMap<>();
    Map<String, Long> times = new TreeMap<>();
    Set<String> datasets = new TreeSet<>();
    for (JsonNode m : doc.path("metrics")) {
      String key = m.path("key").asText();
      long t = m.path("timestamp").asLong();
      if (!times.containsKey(key) || times.get(key) <= t) {
        times.put(key, t);
        metrics.put(key, metricValue(m));
      }
      if (m.hasNonNull("dataset_name")) {
        datasets.add(m.path("dataset_name").asText() + "@" + m.path("dataset_digest").asText(""));
      }
    }
    String commit = doc.path("tags").path("mlflow.source.git.commit").asText("");
    return new Lineage("", doc.path("experiment_id").asText(), params, metrics, List.copyOf(datasets), commit);
  }

  /** A linked metric's value: a number, or the text {@link Wire} writes for NaN and the infinities. */
  static double metricValue(JsonNode metric) {
    JsonNode v = metric.path("value");
    return v.isNumber() ? v.asDouble() : FileMlflowSource.parseDouble(v.asText());
  }

  /** The owner and folder of a model's files in the artifact store. */
  static Files files(ObjectNode doc) {
    String run = doc.path("source_run_id").asText("");
    String id = doc.path("model_id").asText();
    return run.isEmpty() ? new Files(id, "") : new Files(run, "models/" + id);
  }

  /**
   * Where a model's files are in the artifact store.
   *
   * @param owner the run (or, for a model without one, the model id) that owns them
   * @param folder the folder under that owner's root ("" for the root)
   */
  record Files(String owner, String folder) {}

  private void write(ObjectNode doc) {
    byte[] bytes = Wire.write(doc).getBytes(StandardCharsets.UTF_8);
    artifacts.put(OWNER, doc.path("model_id").asText() + ".json", new ByteArrayInputStream(bytes));
  }
}
