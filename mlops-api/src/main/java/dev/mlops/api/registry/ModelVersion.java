package dev.mlops.api.registry;

import java.util.Map;

/**
 * One registered version of a model.
 *
 * @param name the model's name
 * @param version 1, 2, 3, ... without gaps or reuse
 * @param status READY, or FAILED_REGISTRATION when the bytes could not be verified loadable
 * @param flavor {@code tribuo-protobuf}, {@code onnx} or {@code generic}
 * @param source where the bytes came from ({@code runs:/RUN/PATH}, {@code file:...}, {@code object:ClassName})
 * @param sha256 hex digest of the stored bytes, checked before every load
 * @param size bytes
 * @param description free text
 * @param tags version tags
 * @param signature inputs and outputs
 * @param lineage source run facts
 * @param card documentation
 * @param createdBy who registered it
 * @param creationTime epoch ms
 * @param lastUpdatedTime epoch ms
 */
public record ModelVersion(String name, int version, ModelVersionStatus status, String flavor, String source, String sha256, long size,
    String description, Map<String, String> tags, ModelSignature signature, Lineage lineage, ModelCard card, String createdBy,
    long creationTime, long lastUpdatedTime) {
  /** Flavor of Tribuo models in Tribuo's protobuf format. */
  public static final String TRIBUO_PROTOBUF = "tribuo-protobuf";
  /** Flavor of ONNX models. */
  public static final String ONNX = "onnx";
  /** Flavor of opaque bytes. */
  public static final String GENERIC = "generic";

  /** The canonical constructor: collections are copied and immutable; null strings become empty. */
  public ModelVersion {
    tags = Map.copyOf(tags);
    description = description == null ? "" : description;
  }

  /** The model URI of this version. */
  public String uri() {
    return "models:/" + name + "/" + version;
  }

  /** A copy with other fields of the mutable kind. */
  public ModelVersion with(String newDescription, Map<String, String> newTags, ModelCard newCard, long time) {
    return new ModelVersion(name, version, status, flavor, source, sha256, size, newDescription, newTags, signature, lineage, newCard,
        createdBy, creationTime, time);
  }
}
