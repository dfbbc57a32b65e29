package dev.mlops.serving;

import dev.mlops.registry.LoadedModel;
import java.util.Arrays;
import java.util.List;
import org.tribuo.Example;
import org.tribuo.ImmutableFeatureMap;
import org.tribuo.Model;
import org.tribuo.Output;
import org.tribuo.Prediction;
import org.tribuo.VariableInfo;

/**
 * The built-in {@link ServedModel} of Tribuo models: a direct call of the model (immutable and
 * thread-safe, shared with the registry's cache of loaded models), and nothing to close.
 */
final class TribuoModel<T extends Output<T>> implements ServedModel<T> {
  private final Model<T> model;
  private final Class<T> outputType;
  private final List<String> names;

  TribuoModel(LoadedModel<T> loaded, Class<T> outputType) {
    this.model = loaded.model();
    this.outputType = outputType;
    this.names = featureNames(model);
  }

  /** The feature names of a Tribuo model in its feature ids' order. */
  static List<String> featureNames(Model<?> model) {
    ImmutableFeatureMap map = model.getFeatureIDMap();
    String[] names = new String[map.size()];
    for (VariableInfo info : map) {
      names[map.getID(info.getName())] = info.getName();
    }
    return Arrays.asList(names);
  }

  @Override
  public Class<T> outputType() {
    return outputType;
  }

  @Override
  public List<String> featureNames() {
    return names;
  }

  @Override
  public Prediction<T> predict(Example<T> row) {
    return model.predict(row);
  }

  @Override
  public List<Prediction<T>> predictBatch(List<Example<T>> rows) {
    return model.predict(rows);
  }

  @Override
  public void close() {}

  @Override
  public String toString() {
    return "TribuoModel[" + model.getClass().getSimpleName() + ", " + names.size() + " features]";
  }
}
