package dev.mlops.onnx.retraining;

import dev.mlops.api.InvalidArgumentException;
import dev.mlops.api.registry.ModelSignature;
import dev.mlops.onnx.OnnxFlavor;
import dev.mlops.onnx.OnnxMapping;
import dev.mlops.onnx.OnnxModel;
import dev.mlops.onnx.OnnxSignature;
import dev.mlops.retraining.ExternalTraining;
import dev.mlops.retraining.FlavorLoader;
import dev.mlops.retraining.ModelFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.tribuo.Dataset;
import org.tribuo.Model;
import org.tribuo.Output;

/**
 * ONNX models in a {@code RetrainingLoop}: {@link #reader} reads the ONNX file an
 * {@link ExternalTraining} process wrote, and {@link #loader()} loads an ONNX champion, each as a
 * Tribuo {@link Model} view of an ONNX Runtime session, so the loop's evaluator and blessing judge
 * both on the same held-out rows, whatever format the other one has. A challenger read here is
 * registered as an {@code onnx} version from its file (it is a {@link ModelFile}), served and loaded
 * like any ONNX version. Features a sparse Tribuo row lacks are given to the graph as 0.
 */
public final class OnnxRetraining {
  private OnnxRetraining() {}

  /**
   * Reads an ONNX file as a challenger, checked the way registering it with {@code mapping} would
   * check it (a truncated or corrupt file, an operator or opset ONNX Runtime lacks, a mapping that
   * does not fit the graph are refused with the registry's messages). Give the champion's mapping
   * when the graph does not name its features and classes itself (metadata_props
   * {@code feature_names}, {@code class_labels}); {@link OnnxMapping#none()} when it does. The loop
   * then refuses a challenger whose features or classes differ from the champion's.
   */
  public static <T extends Output<T>> ExternalTraining.Reader<T> reader(OnnxFlavor flavor, OnnxMapping mapping) {
    if (flavor == null || mapping == null) {
      throw InvalidArgumentException.of(flavor == null ? "flavor" : "mapping", null, "is required");
    }
    return (file, train) -> {
      OnnxModel onnx = flavor.load(Files.readAllBytes(file), mapping);
      try {
        return new Challenger<>(onnx, file, train);
      } catch (RuntimeException e) {
        onnx.close();
        throw e;
      }
    };
  }

  /**
   * Loads {@code onnx} versions for the loop's evaluation (give it with
   * {@code RetrainingLoopBuilder.loader("onnx", OnnxRetraining.loader())}); the registry must have
   * {@link OnnxFlavor} for the {@code onnx} flavor. The loop closes the session when done.
   */
  public static <T extends Output<T>> FlavorLoader<T> loader() {
    return (loaded, rows) -> {
      if (!(loaded.model() instanceof OnnxModel onnx)) {
        throw InvalidArgumentException.of("model", loaded.version().uri(), "is not an ONNX model loaded by OnnxFlavor (add it with "
            + "ModelRegistry.builder().flavor(OnnxFlavor.create()))");
      }
      try {
        return new OnnxTribuoModel<>(onnx, rows);
      } catch (RuntimeException e) {
        onnx.close();
        throw e;
      }
    };
  }

  /** A challenger read from its file: registered from that file as an {@code onnx} version with the signature it was read with. */
  static final class Challenger<T extends Output<T>> extends OnnxTribuoModel<T> implements ModelFile {
    private static final long serialVersionUID = 1L;
    private final transient Path file;

    Challenger(OnnxModel onnx, Path file, Dataset<T> rows) {
      super(onnx, rows);
      this.file = file;
    }

    @Override
    public Path file() {
      return file;
    }

    @Override
    public String flavor() {
      return "onnx";
    }

    @Override
    public ModelSignature signature() {
      OnnxSignature s = onnx().signature();
      return new ModelSignature(s.features(), s.classes(), "");
    }

    @Override
    public Map<String, String> tags() {
      return Map.of("mlops.onnx.source", "external training process");
    }
  }
}
