package dev.mlops.registry;

import dev.mlops.api.internal.tribuo.TribuoProtobuf;
import dev.mlops.api.registry.FeatureSpec;
import dev.mlops.api.registry.ModelSignature;
import dev.mlops.api.registry.ModelVersion;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.tribuo.Model;
import org.tribuo.Output;
import org.tribuo.VariableInfo;

/** Tribuo models in Tribuo's protobuf format: the only Tribuo-specific code of version ingestion and loading. */
final class TribuoFlavor implements ModelFlavor {
  static final TribuoFlavor INSTANCE = new TribuoFlavor();

  private TribuoFlavor() {}

  @Override
  public String name() {
    return ModelVersion.TRIBUO_PROTOBUF;
  }

  @Override
  public Optional<ModelSignature> inspect(byte[] bytes, Optional<Object> model, String inputExample) throws Exception {
    Model<?> parsed = model.isPresent() && model.get() instanceof Model<?> m ? m : TribuoProtobuf.read(bytes);
    return Optional.of(signatureOf(parsed, inputExample));
  }

  @Override
  public Object load(byte[] bytes) throws Exception {
    return TribuoProtobuf.read(bytes);
  }

  static ModelSignature signatureOf(Model<?> model, String example) {
    List<FeatureSpec> inputs = new ArrayList<>();
    for (VariableInfo info : model.getFeatureIDMap()) {
      String type = info.getClass().getSimpleName().startsWith("Categorical") ? "categorical" : "double";
      inputs.add(new FeatureSpec(info.getName(), type));
    }
    List<String> outputs = new ArrayList<>();
    for (Object o : model.getOutputIDInfo().getDomain()) {
      outputs.add(((Output<?>) o).getSerializableForm(false));
    }
    Collections.sort(outputs);
    return new ModelSignature(inputs, outputs, example);
  }
}
