package dev.mlops.onnx.serving;

import dev.mlops.api.InvalidArgumentException;
import dev.mlops.api.registry.ModelVersion;
import dev.mlops.onnx.OnnxFlavor;
import dev.mlops.onnx.OnnxModel;
import dev.mlops.onnx.OnnxSignature;
import dev.mlops.serving.ModelAdapter;
import dev.mlops.serving.ModelSource;
import dev.mlops.serving.ServedModel;

/**
 * Serves ONNX models through endpoints, with the guarantees Tribuo models have (hot swap after a
 * complete load and warm-up, canary with rollback, shadows, input checks, micro-batching through
 * one [N, F] run of the graph, logging to monitors and prediction logs):
 *
 * <pre>{@code
 * ModelServer server = ModelServer.builder().registry(registry)     // a registry with OnnxFlavor
 *     .modelAdapter("onnx", OnnxServing.adapter())
 *     .build();
 * Endpoint<Label> iris = server.endpoint("iris", Label.class).serve("models:/iris@champion").build();
 * }</pre>
 *
 * <p>Each version an endpoint loads is its own ONNX Runtime session, opened from bytes checked
 * against the registered digest, and closed (its native memory freed) when the version leaves the
 * versions the endpoint keeps loaded and no request uses it any more, or when the endpoint closes.
 * A classifier serves on a {@code Label} endpoint, a regressor on a {@code Regressor} endpoint;
 * a version of the other kind fails its load and the version that serves keeps serving. Thread-safe.
 */
public final class OnnxServing {
  private OnnxServing() {}

  /**
   * The adapter that opens versions with the registry's own {@code onnx} flavor (its session
   * options: threads), as {@code registry.loadObject} does.
   *
   * <p>A version fails its load, with the reason in {@code Endpoint.describe()}, when the registry
   * has no {@link OnnxFlavor}, or when the model takes string features (an endpoint's requests
   * carry numbers only).
   */
  public static ModelAdapter adapter() {
    return source -> served(loaded(source), source);
  }

  /**
   * The adapter that opens versions with {@code flavor}'s session options (threads) instead of the
   * registry's: for example more intra-op threads for the large batches of a micro-batching
   * endpoint. The bytes are read from the store and checked against the registered digest.
   */
  public static ModelAdapter adapter(OnnxFlavor flavor) {
    if (flavor == null) {
      throw InvalidArgumentException.of("flavor", null, "must be an OnnxFlavor");
    }
    return source -> served(flavor.load(source.bytes(), source.version()), source);
  }

  private static OnnxModel loaded(ModelSource source) {
    Object model = source.loadObject();
    if (model instanceof OnnxModel m) {
      return m;
    }
    throw InvalidArgumentException.of("model", source.version().uri(), "loads as " + model.getClass().getSimpleName() + ", not as an "
        + "ONNX model: build the registry with .flavor(OnnxFlavor.create()), or give the adapter a flavor: OnnxServing.adapter(flavor)");
  }

  /** Wraps an open model, closing it when it cannot serve here. */
  private static ServedModel<?> served(OnnxModel model, ModelSource source) {
    try {
      ModelVersion v = source.version();
      OnnxSignature s = model.signature();
      for (var f : s.features()) {
        if (f.type().equals("string")) {
          throw InvalidArgumentException.of("model", v.uri(), "takes string feature '" + f.name() + "'; an endpoint's requests carry "
              + "numbers only, so this ONNX model cannot be served (predict with OnnxModel instead)");
        }
      }
      // an endpoint of the other output type refuses the model and closes it
      return s.task() == OnnxSignature.Task.CLASSIFICATION ? new ServedOnnxModel.Classifier(model)
          : new ServedOnnxModel.Regression(model, valueName(s));
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
  }

  /** The name a regressor's value takes: its graph output's. */
  private static String valueName(OnnxSignature s) {
    for (OnnxSignature.Output o : s.outputs()) {
      if (o.role() == OnnxSignature.Role.VALUE) {
        return o.name();
      }
    }
    return "value";
  }
}
