package dev.mlops.registry;

import dev.mlops.api.InvalidArgumentException;
import dev.mlops.api.internal.Validation;
import dev.mlops.api.registry.Lineage;
import dev.mlops.api.registry.ModelCard;
import dev.mlops.api.registry.ModelSignature;
import dev.mlops.api.registry.ModelVersion;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.tribuo.Model;

/**
 * What to register as a new version: exactly one source (a run's artifact, another stored
 * artifact, a Tribuo model object, or a file) plus optional metadata. Build with {@link #of(String)}.
 */
public final class Registration {
  final String model;
  String runId = "";
  String artifactOwner;
  String artifactPath;
  Lineage lineage;
  Model<?> tribuoModel;
  Path file;
  String flavor;
  String description = "";
  final Map<String, String> tags = new LinkedHashMap<>();
  ModelSignature signature;
  String inputExample = "";
  ModelCard card = ModelCard.EMPTY;

  private Registration(String model) {
    this.model = model;
  }

  /** A registration of a new version of {@code model} (created if absent). */
  public static Registration of(String model) {
    return new Registration(Validation.notNull("model name", model));
  }

  /** Takes the bytes from an artifact of a tracked run; the run also gives the lineage. */
  public Registration fromRunArtifact(String runId, String artifactPath) {
    this.runId = Validation.notNull("run id", runId);
    this.artifactOwner = runId;
    this.artifactPath = Validation.notNull("artifact path", artifactPath);
    return this;
  }

  /**
   * Takes the bytes from the artifact store's {@code artifactPath} under {@code owner}, an owner
   * that is not a tracked run (such as an MLflow logged model kept under its own id). The version's
   * source reads {@code artifacts:/OWNER/PATH}; it has no source run, and its lineage is the one
   * given with {@link #lineage(Lineage)}, if any.
   */
  public Registration fromArtifact(String owner, String artifactPath) {
    this.artifactOwner = Validation.notNull("artifact owner", owner);
    this.artifactPath = Validation.notNull("artifact path", artifactPath);
    return this;
  }

  /**
   * The lineage of a version that has no source run: what is known of where it came from (an
   * experiment, params, metrics, datasets) though no run holds it. A version with a source run
   * takes its lineage from the run, so giving both is refused when registering.
   */
  public Registration lineage(Lineage lineage) {
    this.lineage = Validation.notNull("lineage", lineage);
    return this;
  }

  /** Serialises a Tribuo model in its protobuf format (flavor {@code tribuo-protobuf}); the signature comes from its feature map. */
  public Registration fromModel(Model<?> model) {
    this.tribuoModel = Validation.notNull("model", model);
    this.flavor = ModelVersion.TRIBUO_PROTOBUF;
    return this;
  }

  /** Takes the bytes from a file. */
  public Registration fromFile(Path file) {
    this.file = Validation.notNull("file", file);
    return this;
  }

  /** The run the model came from, for lineage (when the bytes come from an object or a file). */
  public Registration sourceRun(String runId) {
    this.runId = Validation.notNull("run id", runId);
    return this;
  }

  /**
   * The flavor: {@code tribuo-protobuf}, {@code onnx}, {@code generic}, or one added with
   * {@link ModelRegistry.Builder#flavor(ModelFlavor)} (checked when registering).
   */
  public Registration flavor(String flavor) {
    Validation.name("flavor", flavor, 64);
    this.flavor = flavor;
    return this;
  }

  /** A description. */
  public Registration description(String description) {
    this.description = Validation.maxLength("description", Validation.notNull("description", description), 5000);
    return this;
  }

  /** A version tag. */
  public Registration tag(String key, String value) {
    Validation.key("version tag key", key);
    Validation.maxLength("version tag '" + key + "' value", Validation.notNull("tag value", value), 5000);
    tags.put(key, value);
    return this;
  }

  /**
   * An explicit signature (otherwise derived from a Tribuo model where possible). The flavor sees it
   * at registration: a format whose bytes do not name the model's features or classes takes them
   * from here, and may refuse a signature that does not fit the model.
   */
  public Registration signature(ModelSignature signature) {
    this.signature = Validation.notNull("signature", signature);
    return this;
  }

  /** An input example, as JSON text. */
  public Registration inputExample(String json) {
    this.inputExample = Validation.maxLength("input example", Validation.notNull("input example", json), 1 << 20);
    return this;
  }

  /** Initial model card fields (lineage fills the rest). */
  public Registration card(ModelCard card) {
    this.card = Validation.notNull("card", card);
    return this;
  }

  void check() {
    int sources = (artifactPath != null ? 1 : 0) + (tribuoModel != null ? 1 : 0) + (file != null ? 1 : 0);
    if (sources != 1) {
      throw InvalidArgumentException.of("registration source", sources + " sources",
          "give exactly one of fromRunArtifact, fromArtifact, fromModel or fromFile");
    }
    if (lineage != null && !runId.isEmpty()) {
      throw InvalidArgumentException.of("registration lineage", lineage.runId(),
          "is taken from the source run '" + runId + "'; give a lineage only for a version without a run");
    }
  }
}
