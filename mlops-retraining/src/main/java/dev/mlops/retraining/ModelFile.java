package dev.mlops.retraining;

import dev.mlops.api.registry.ModelSignature;
import java.nio.file.Path;
import java.util.Map;

/**
 * A challenger that is a model file of a registry flavor (an ONNX file, say) rather than a Tribuo
 * model object. A {@link Training} returns a Tribuo {@link org.tribuo.Model} that also implements
 * this interface: the loop evaluates that model on the holdout like any other, compares
 * {@link #signature()} with the champion's before blessing (a challenger whose inputs or classes
 * differ fails the retraining), and registers {@link #file()} under {@link #flavor()} with the
 * signature and {@link #tags()}, so it is served and loaded the way that flavor's versions are. A
 * model that is also {@link AutoCloseable} (a native session) is closed by the loop once the
 * retraining no longer needs it.
 */
public interface ModelFile {
  /** The model's file, read when the challenger is registered and logged. */
  Path file();

  /** The registry flavor it is registered under, such as {@code onnx}. */
  String flavor();

  /** What it takes and gives, as its registration states it. */
  ModelSignature signature();

  /** Version tags for its registration (the process that made it, the digests of its inputs). */
  Map<String, String> tags();
}
