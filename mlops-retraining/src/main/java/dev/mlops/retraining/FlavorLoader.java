package dev.mlops.retraining;

import dev.mlops.registry.LoadedObject;
import org.tribuo.Dataset;
import org.tribuo.Model;
import org.tribuo.Output;

/**
 * Turns a registered version of a flavor that is not Tribuo's (ONNX, say) into a Tribuo
 * {@link Model} the loop can evaluate, so champion and challenger are judged on the same held-out
 * rows whatever their formats. Given to {@link RetrainingLoopBuilder#loader}; the loop uses it for
 * the champion and for the infra check of a registered challenger. A returned model that is
 * {@link AutoCloseable} is closed by the loop when done with it.
 *
 * @param <T> the models' output type
 */
@FunctionalInterface
public interface FlavorLoader<T extends Output<T>> {
  /**
   * The model of {@code loaded} (its bytes already verified against the registered digest).
   *
   * @param rows the retraining's held-out rows: their features and outputs are what the model will see
   */
  Model<T> load(LoadedObject loaded, Dataset<T> rows) throws Exception;
}
