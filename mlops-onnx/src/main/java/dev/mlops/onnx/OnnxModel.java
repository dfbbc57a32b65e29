package dev.mlops.onnx;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.mlops.api.InvalidArgumentException;
import dev.mlops.api.MlopsException;
import dev.mlops.api.registry.ModelVersion;
import dev.mlops.onnx.internal.InputLayout;
import dev.mlops.onnx.internal.OrtRuntime;
import dev.mlops.onnx.internal.OutputLayout;
import dev.mlops.onnx.internal.Tensors;
import dev.mlops.registry.LoadedObject;
import dev.mlops.registry.ModelRegistry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.jspecify.annotations.Nullable;

/**
 * A loaded ONNX model: an ONNX Runtime session with the signature registration derived. Predicts
 * one row or a batch, from feature maps or from float arrays in feature order; a batch goes
 * through the graph in one run, as one [N, F] tensor (row by row only when the graph's batch
 * dimension is fixed to 1). Rows are checked against the signature before anything runs: an
 * unknown or missing feature, a value of the wrong type, a value that is not finite or does not
 * fit the input's type is refused with an {@link InvalidArgumentException} naming the row, the
 * feature, the value and the rule.
 *
 * <p>Thread-safe: any number of threads may predict at once. {@link #close()} frees the native
 * session; it waits for predictions in flight (cancel them first with their {@link Cancellation}
 * to close at once), and predictions after it throw {@link IllegalStateException}. Every tensor
 * and result a prediction makes is freed before it returns.
 */
public final class OnnxModel implements AutoCloseable {
  private final @Nullable ModelVersion version;
  private final OrtSession session;
  private final InputLayout input;
  private final OutputLayout output;
  private final OnnxSignature signature;
  private final Map<String, Integer> classIndex = new HashMap<>();
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private boolean closed;

  OnnxModel(@Nullable ModelVersion version, OrtSession session, InputLayout input, OutputLayout output, OnnxSignature signature) {
    this.version = version;
    this.session = session;
    this.input = input;
    this.output = output;
    this.signature = signature;
    for (int i = 0; i < output.classes().size(); i++) {
      classIndex.put(output.classes().get(i), i);
    }
  }

  /**
   * Loads an ONNX version from a registry whose {@code onnx} flavor is {@link OnnxFlavor}; the bytes
   * are checked against the registered digest first. The caller closes the model.
   *
   * @throws InvalidArgumentException if the version is not an ONNX model loaded by {@link OnnxFlavor}
   */
  public static OnnxModel load(ModelRegistry registry, String uri) {
    LoadedObject loaded = registry.loadObject(uri);
    if (!(loaded.model() instanceof OnnxModel model)) {
      throw InvalidArgumentException.of("model", uri, "is a " + loaded.version().flavor() + " version, not an ONNX model loaded by "
          + "OnnxFlavor (add it with ModelRegistry.builder().flavor(OnnxFlavor.create()))");
    }
    return model;
  }

  /** The registered version this model was loaded from; empty when loaded from bytes alone. */
  public Optional<ModelVersion> version() {
    return Optional.ofNullable(version);
  }

  /** What the model takes and gives. */
  public OnnxSignature signature() {
    return signature;
  }

  /**
   * Predicts one row given as feature values by name.
   *
   * @throws InvalidArgumentException if the row does not fit the signature (nothing runs)
   * @throws IllegalStateException if the model is closed
   */
  public OnnxPrediction predict(Map<String, ?> row) {
    return run(input.rows(List.of(row), false), null).get(0);
  }

  /**
   * Predicts one row given as values in the order of {@link OnnxSignature#features()}.
   *
   * @throws InvalidArgumentException if the row has the wrong length or a value that is not finite
   * @throws IllegalStateException if the model is closed
   */
  public OnnxPrediction predict(float[] row) {
    return run(input.rows(new float[][] {row}, false), null).get(0);
  }

  /**
   * Predicts a batch of rows in one run of the graph; predictions are in row order.
   *
   * @throws InvalidArgumentException if a row does not fit the signature (naming the row; nothing runs)
   * @throws IllegalStateException if the model is closed
   */
  public List<OnnxPrediction> predictBatch(List<? extends Map<String, ?>> rows) {
    return run(input.rows(rows, true), null);
  }

  /**
   * Predicts a batch of rows, cancellable through {@code cancellation}.
   *
   * @throws CancellationException if the handle was cancelled before the run finished
   * @throws InvalidArgumentException if a row does not fit the signature (naming the row; nothing runs)
   */
  public List<OnnxPrediction> predictBatch(List<? extends Map<String, ?>> rows, Cancellation cancellation) {
    return run(input.rows(rows, true), cancellation);
  }

  /**
   * Predicts a batch of rows given as values in feature order, in one run of the graph.
   *
   * @throws InvalidArgumentException if a row has the wrong length or a value that is not finite (naming the row; nothing runs)
   * @throws IllegalStateException if the model is closed
   */
  public List<OnnxPrediction> predictBatch(float[][] rows) {
    return run(input.rows(rows, true), null);
  }

  /**
   * Predicts a batch of rows given as values in feature order, cancellable through {@code cancellation}.
   *
   * @throws CancellationException if the handle was cancelled before the run finished
   * @throws InvalidArgumentException if a row has the wrong length or a value that is not finite (naming the row; nothing runs)
   */
  public List<OnnxPrediction> predictBatch(float[][] rows, Cancellation cancellation) {
    return run(input.rows(rows, true), cancellation);
  }

  private List<OnnxPrediction> run(InputLayout.Columns columns, @Nullable Cancellation cancellation) {
    lock.readLock().lock();
    try {
      if (closed) {
        throw new IllegalStateException("ONNX model " + name() + " is closed");
      }
      int n = columns.rows();
      List<OnnxPrediction> out = new ArrayList<>(n);
      int step = input.batchable() ? Math.max(1, n) : 1;
      for (int from = 0; from < n; from += step) {
        int to = Math.min(n, from + step);
        try (Tensors tensors = columns.tensors(OrtRuntime.env(), from, to)) {
          OutputLayout.Decoded decoded = cancellation == null ? runOnce(tensors, to - from) : runCancellable(tensors, to - from,
              cancellation);
          add(decoded, to - from, out);
        } catch (OrtException e) {
          if (cancellation != null && cancellation.isCancelled()) {
            CancellationException c = new CancellationException("prediction on ONNX model " + name() + " was cancelled");
            c.initCause(e);
            throw c;
          }
          throw new MlopsException("ONNX model " + name() + " failed to predict: " + OrtRuntime.message(e), e);
        }
      }
      return out;
    } finally {
      lock.readLock().unlock();
    }
  }

  private OutputLayout.Decoded runOnce(Tensors tensors, int rows) throws OrtException {
    try (OrtSession.Result result = session.run(tensors.byInput(), output.requested())) {
      return output.decode(result, rows);
    }
  }

  private OutputLayout.Decoded runCancellable(Tensors tensors, int rows, Cancellation cancellation) throws OrtException {
    try (OrtSession.RunOptions options = new OrtSession.RunOptions()) {
      cancellation.attach(options);
      try (OrtSession.Result result = session.run(tensors.byInput(), output.requested(), options)) {
        return output.decode(result, rows);
      } finally {
        cancellation.detach(options);
      }
    }
  }

  private void add(OutputLayout.Decoded d, int rows, List<OnnxPrediction> out) {
    if (!output.classification()) {
      for (int i = 0; i < rows; i++) {
        out.add(OnnxPrediction.regressed(d.values()[i]));
      }
      return;
    }
    List<String> classes = output.classes();
    for (int i = 0; i < rows; i++) {
      Map<String, Double> scores = d.scores() == null ? Map.of() : new ClassScores(classes, classIndex, d.scores()[i]);
      out.add(OnnxPrediction.classified(classes.get(d.labels()[i]), scores, output.probabilities()));
    }
  }

  private String name() {
    return version == null ? "(loaded from bytes)" : version.uri();
  }

  /**
   * Frees the native session, after predictions in flight have finished. Idempotent.
   *
   * @throws MlopsException if ONNX Runtime fails to free it
   */
  @Override
  public void close() {
    lock.writeLock().lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      session.close();
    } catch (OrtException e) {
      throw new MlopsException("ONNX Runtime could not close the session of " + name() + ": " + OrtRuntime.message(e), e);
    } finally {
      lock.writeLock().unlock();
    }
  }

  @Override
  public String toString() {
    return "OnnxModel[" + name() + ", " + signature.task().name().toLowerCase(java.util.Locale.ROOT) + ", features "
        + signature.featureNames() + (signature.classes().isEmpty() ? "" : ", classes " + signature.classes()) + "]";
  }
}
