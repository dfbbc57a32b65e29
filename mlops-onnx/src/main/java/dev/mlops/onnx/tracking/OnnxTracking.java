package dev.mlops.onnx.tracking;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.mlops.api.InvalidArgumentException;
import dev.mlops.api.MlopsException;
import dev.mlops.api.artifact.ArtifactInfo;
import dev.mlops.api.registry.FeatureSpec;
import dev.mlops.api.registry.ModelSignature;
import dev.mlops.onnx.OnnxFlavor;
import dev.mlops.onnx.OnnxMapping;
import dev.mlops.registry.ModelFlavor;
import dev.mlops.tracking.ActiveRun;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Logs an ONNX model file into a tracked run, as {@code ActiveRun.logModel} logs a Tribuo model:
 *
 * <pre>{@code
 * try (ActiveRun run = tracker.startRun("iris")) {
 *   OnnxTracking.logModel(run, Path.of("iris.onnx"), "model",
 *       OnnxMapping.features("sepal_length", "sepal_width", "petal_length", "petal_width").classes("setosa", "versicolor", "virginica"));
 * }
 * }</pre>
 *
 * <p>The file is checked first the way the registry's {@code onnx} flavor checks a registration
 * (ONNX Runtime loads the graph and runs it once; the mapping must fit): a model the registry
 * would refuse is refused here with the same {@link InvalidArgumentException}, before anything is
 * written. Then the run gets the file as {@code <artifactPath>/model.onnx}, its signature as
 * {@code <artifactPath>/signature.json} (task, features with their element types, classes, whether
 * the scores are probabilities, each output's role, producer, opsets), the tag
 * {@code mlops.model.sha256} (as for a Tribuo model) and tags {@code mlops.onnx.producer},
 * {@code mlops.onnx.opsets}, {@code mlops.onnx.ir_version}, {@code mlops.onnx.task},
 * {@code mlops.onnx.inputs} and {@code mlops.onnx.outputs}, the registry's {@code onnx.*} version
 * tags. {@code Registration.of(name).fromRunArtifact(runId, "model/model.onnx").flavor("onnx")}
 * registers it later with the same mapping. Thread-safe as the run is.
 */
public final class OnnxTracking {
  /** The tag holding the model file's SHA-256, as for Tribuo models. */
  public static final String MODEL_SHA256 = "mlops.model.sha256";

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private OnnxTracking() {}

  /**
   * Logs {@code file} with the mapping the graph needs (feature names of an unnamed tensor, class
   * labels of a score tensor), checked with a default {@link OnnxFlavor}.
   *
   * @param artifactPath the directory of the run's artifacts it goes to ({@code "model"} when empty)
   * @return the model file's artifact info
   * @throws InvalidArgumentException if the file is missing, larger than the flavor accepts, not a
   *     model ONNX Runtime can run, or the mapping does not fit it (nothing is written)
   */
  public static ArtifactInfo logModel(ActiveRun run, Path file, String artifactPath, OnnxMapping mapping) {
    return logModel(run, file, artifactPath, mapping, OnnxFlavor.create());
  }

  /** As {@link #logModel(ActiveRun, Path, String, OnnxMapping)} for a graph that names its features and classes itself. */
  public static ArtifactInfo logModel(ActiveRun run, Path file, String artifactPath) {
    return logModel(run, file, artifactPath, OnnxMapping.none());
  }

  /** As {@link #logModel(ActiveRun, Path, String, OnnxMapping)}, checked by {@code flavor} (its size limit and session options). */
  public static ArtifactInfo logModel(ActiveRun run, Path file, String artifactPath, OnnxMapping mapping, OnnxFlavor flavor) {
    if (run == null || file == null || artifactPath == null || mapping == null || flavor == null) {
      throw InvalidArgumentException.of(run == null ? "run" : file == null ? "file" : artifactPath == null ? "artifact path"
          : mapping == null ? "mapping" : "flavor", null, "is required");
    }
    String dir = artifactPath.isEmpty() ? "model" : artifactPath.replaceAll("/+$", "");
    byte[] bytes = read(file, flavor.maxBytes());
    ModelFlavor.Inspection inspection = flavor.inspect(new ModelFlavor.Candidate(bytes, Optional.empty(), "",
        Optional.of(mapping.signature())));
    ModelSignature signature = inspection.signature().orElseThrow();
    Map<String, String> tags = new TreeMap<>();
    inspection.tags().forEach((k, v) -> tags.put("mlops." + k, v));
    tags.put(MODEL_SHA256, sha256(bytes));
    run.setTags(tags);
    run.logText(dir + "/signature.json", signatureJson(signature, inspection.tags()));
    return run.logArtifact(dir + "/model.onnx", new ByteArrayInputStream(bytes));
  }

  private static byte[] read(Path file, long max) {
    try {
      if (!Files.isRegularFile(file)) {
        throw InvalidArgumentException.of("ONNX file", file, "is not a readable file");
      }
      long size = Files.size(file);
      if (size > max) {
        throw InvalidArgumentException.of("ONNX file", file, "is " + size + " bytes, above the flavor's limit of " + max + " bytes");
      }
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + file, e);
    }
  }

  private static String signatureJson(ModelSignature s, Map<String, String> onnxTags) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("flavor", "onnx");
    out.put("task", onnxTags.getOrDefault("onnx.task", ""));
    List<Map<String, String>> features = s.inputs().stream().map(OnnxTracking::feature).toList();
    out.put("features", features);
    out.put("classes", s.outputDomain());
    out.put("outputs", onnxTags.getOrDefault("onnx.outputs", ""));
    out.put("inputs", onnxTags.getOrDefault("onnx.inputs", ""));
    out.put("producer", onnxTags.getOrDefault("onnx.producer", ""));
    out.put("opsets", onnxTags.getOrDefault("onnx.opsets", ""));
    out.put("ir_version", onnxTags.getOrDefault("onnx.ir_version", ""));
    try {
      return JSON.writeValueAsString(out);
    } catch (JsonProcessingException e) {
      throw new MlopsException("writing the signature of an ONNX model failed: " + e.getOriginalMessage(), e);
    }
  }

  private static Map<String, String> feature(FeatureSpec f) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("name", f.name());
    m.put("type", f.type());
    return m;
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
