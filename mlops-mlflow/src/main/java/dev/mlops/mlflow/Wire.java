package dev.mlops.mlflow;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mlops.api.tracking.DatasetInput;
import dev.mlops.api.tracking.Experiment;
import dev.mlops.api.tracking.Metric;
import dev.mlops.api.tracking.Run;
import dev.mlops.api.tracking.RunInfo;
import java.util.Map;
import java.util.TreeMap;

/**
 * The JSON MLflow's clients read: proto field names in snake_case, int64 as numbers, enums by
 * name, a double that is not finite as protobuf writes it ({@code "NaN"}, {@code "Infinity"},
 * {@code "-Infinity"}), an absent optional field left out.
 */
final class Wire {
  /** Reads bodies: Python's {@code json} writes NaN and Infinity as bare words, so those are accepted. */
  static final ObjectMapper JSON = JsonMapper.builder()
      .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
      .build();
  static final String CONTEXT_TAG = "mlflow.data.context";

  private Wire() {}

  static ObjectNode object() {
    return JsonNodeFactory.instance.objectNode();
  }

  static String write(JsonNode node) {
    try {
      return JSON.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON: " + e.getMessage(), e);
    }
  }

  static void putDouble(ObjectNode n, String field, double v) {
    if (Double.isNaN(v)) {
      n.put(field, "NaN");
    } else if (Double.isInfinite(v)) {
      n.put(field, v > 0 ? "Infinity" : "-Infinity");
    } else {
      n.put(field, v);
    }
  }

  static ArrayNode keyValues(Map<String, String> map) {
    ArrayNode a = JsonNodeFactory.instance.arrayNode();
    new TreeMap<>(map).forEach((k, v) -> a.addObject().put("key", k).put("value", v));
    return a;
  }

  static ObjectNode metric(Metric m) {
    ObjectNode n = object().put("key", m.key());
    putDouble(n, "value", m.value());
    return n.put("timestamp", m.timestamp()).put("step", m.step());
  }

  static ObjectNode experiment(Experiment e) {
    ObjectNode n = object()
        .put("experiment_id", e.id())
        .put("name", e.name())
        .put("artifact_location", "mlflow-artifacts:/" + e.id())
        .put("lifecycle_stage", e.lifecycleStage().name().toLowerCase(java.util.Locale.ROOT))
        .put("last_update_time", e.lastUpdateTime())
        .put("creation_time", e.creationTime());
    n.set("tags", keyValues(e.tags()));
    return n;
  }

  static ObjectNode runInfo(RunInfo i) {
    ObjectNode n = object()
        .put("run_id", i.runId())
        .put("run_uuid", i.runId())
        .put("run_name", i.runName())
        .put("experiment_id", i.experimentId())
        .put("user_id", i.user())
        .put("status", i.status().name())
        .put("start_time", i.startTime());
    if (i.endTime() >= 0) {
      n.put("end_time", i.endTime());
    }
    return n.put("artifact_uri", i.artifactUri())
        .put("lifecycle_stage", i.lifecycleStage().name().toLowerCase(java.util.Locale.ROOT));
  }

  static ObjectNode run(Run r) {
    ObjectNode n = object();
    n.set("info", runInfo(r.info()));
    ObjectNode data = n.putObject("data");
    ArrayNode metrics = data.putArray("metrics");
    new TreeMap<>(r.latestMetrics()).values().forEach(m -> metrics.add(metric(m)));
    data.set("params", keyValues(r.params()));
    data.set("tags", keyValues(r.tags()));
    ObjectNode inputs = n.putObject("inputs");
    ArrayNode datasets = inputs.putArray("dataset_inputs");
    for (DatasetInput in : r.inputs()) {
      ObjectNode di = datasets.addObject();
      di.putArray("tags").addObject().put("key", CONTEXT_TAG).put("value", in.context());
      ObjectNode d = di.putObject("dataset")
          .put("name", in.dataset().name())
          .put("digest", in.dataset().digest())
          .put("source_type", Datasets.sourceType(in.dataset()))
          .put("source", Datasets.source(in.dataset()));
      if (!in.dataset().schema().isEmpty()) {
        d.put("schema", in.dataset().schema());
      }
      in.dataset().rows().ifPresent(rows -> d.put("profile", "{\"num_rows\": " + rows + "}"));
    }
    return n;
  }
}
