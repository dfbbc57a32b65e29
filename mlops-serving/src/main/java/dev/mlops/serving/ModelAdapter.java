package dev.mlops.serving;

/**
 * Opens the versions of one registry flavor for serving, for models that are not Tribuo models
 * (an ONNX model, a hand-written one). Given to {@link ModelServer.Builder#modelAdapter(String,
 * ModelAdapter)}; each version an endpoint loads is opened by the adapter of its flavor, Tribuo's
 * {@code tribuo-protobuf} by the built-in one.
 *
 * <pre>{@code
 * ModelServer server = ModelServer.builder().registry(registry)
 *     .modelAdapter("onnx", source -> OnnxClassifier.open(source.bytes()))
 *     .build();
 * }</pre>
 */
@FunctionalInterface
public interface ModelAdapter {
  /**
   * Opens one version, on the server's control thread; the endpoint warms it up, serves it once it
   * is the version its variant follows, and closes it ({@link ServedModel#close()}) once it serves
   * no more. Each call opens a new instance, even of a version opened before.
   *
   * @throws Exception when the bytes are not a model this adapter serves: that load fails, the
   *     version that serves keeps serving, and {@link Endpoint#describe()} says why
   */
  ServedModel<?> open(ModelSource source) throws Exception;
}
