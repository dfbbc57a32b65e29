package dev.mlops.serving;

import dev.mlops.api.InvalidArgumentException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.tribuo.Example;
import org.tribuo.Feature;

/**
 * A row's values in a model's input order, for a {@link ServedModel} whose format takes arrays (an
 * ONNX model's float tensor). A feature the row lacks (only under
 * {@link InputPolicy#SERVE_AND_RECORD}) is 0. Immutable and thread-safe.
 *
 * <pre>{@code
 * FeatureOrder order = FeatureOrder.of(featureNames());
 * float[] input = order.floats(row);
 * }</pre>
 */
public final class FeatureOrder {
  private final Map<String, Integer> index;
  private final int size;

  private FeatureOrder(List<String> names) {
    this.size = names.size();
    this.index = new HashMap<>(names.size() * 2);
    for (int i = 0; i < names.size(); i++) {
      if (index.put(names.get(i), i) != null) {
        throw InvalidArgumentException.of("feature names", names.get(i), "appears twice");
      }
    }
  }

  /**
   * The order of {@code names}.
   *
   * @throws InvalidArgumentException when a name appears twice
   */
  public static FeatureOrder of(List<String> names) {
    return new FeatureOrder(List.copyOf(names));
  }

  /** The row's values as doubles in this order; features not in this order are ignored. */
  public double[] doubles(Example<?> row) {
    double[] out = new double[size];
    for (Feature f : row) {
      Integer i = index.get(f.getName());
      if (i != null) {
        out[i] = f.getValue();
      }
    }
    return out;
  }

  /** The row's values as floats in this order; features not in this order are ignored. */
  public float[] floats(Example<?> row) {
    float[] out = new float[size];
    for (Feature f : row) {
      Integer i = index.get(f.getName());
      if (i != null) {
        out[i] = (float) f.getValue();
      }
    }
    return out;
  }

  /** The number of features. */
  public int size() {
    return size;
  }
}
