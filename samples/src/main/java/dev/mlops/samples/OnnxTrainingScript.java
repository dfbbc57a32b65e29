package dev.mlops.samples;

import ai.onnx.proto.OnnxMl;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.tribuo.ImmutableFeatureMap;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.ONNXExportable;
import org.tribuo.VariableIDInfo;
import org.tribuo.VariableInfo;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.sgd.linear.LogisticRegressionTrainer;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.SimpleDataSourceProvenance;

/**
 * The training script of the ONNX demo, in Java so the demo needs no Python: what a data
 * scientist's {@code train.py} does, run by the retraining loop as an external process. It reads
 * {@code $MLOPS_MANIFEST} and the {@code train.csv} beside it, trains a logistic regression and
 * writes {@code $MLOPS_OUTPUT} with Tribuo's ONNX export, its features and classes named in
 * metadata_props.
 */
public final class OnnxTrainingScript {
  private OnnxTrainingScript() {}

  /** Trains on the manifest's training file and writes the ONNX model. */
  public static void main(String[] args) throws IOException {
    Path manifestFile = Path.of(System.getenv("MLOPS_MANIFEST"));
    JsonNode manifest = new ObjectMapper().readTree(manifestFile.toFile());
    List<String> lines = Files.readAllLines(manifestFile.resolveSibling(manifest.get("train").get("file").asText()), StandardCharsets.UTF_8);
    int label = List.of(lines.get(0).split(",")).indexOf(manifest.get("label").asText());
    String[] features = new ObjectMapper().convertValue(manifest.get("features"), String[].class);
    LabelFactory f = new LabelFactory();
    MutableDataset<Label> train = new MutableDataset<>(new SimpleDataSourceProvenance("train.csv", f), f);
    for (String line : lines.subList(1, lines.size())) {
      String[] cells = line.split(",");
      double[] x = new double[features.length];
      for (int i = 0, k = 0; i < cells.length; i++) {
        if (i != label) {
          x[k++] = Double.parseDouble(cells[i]);
        }
      }
      train.add(new ArrayExample<>(new Label(cells[label]), features, x));
    }
    System.err.println("trained on " + train.size() + " rows");
    export(new LogisticRegressionTrainer().train(train), Path.of(System.getenv("MLOPS_OUTPUT")));
  }

  /** Tribuo's ONNX export of {@code model}, with metadata_props {@code feature_names} and {@code class_labels} in tensor order. */
  static void export(Model<Label> model, Path out) throws IOException {
    ImmutableFeatureMap fm = model.getFeatureIDMap();
    String[] features = new String[fm.size()];
    for (VariableInfo v : fm) {
      features[((VariableIDInfo) v).getID()] = v.getName();
    }
    String[] classes = new String[model.getOutputIDInfo().size()];
    model.getOutputIDInfo().forEach(p -> classes[p.getA()] = p.getB().getLabel());
    OnnxMl.ModelProto proto = ((ONNXExportable) model).exportONNXModel("dev.mlops.samples", 1L).toBuilder()
        .addMetadataProps(OnnxMl.StringStringEntryProto.newBuilder().setKey("feature_names").setValue(String.join(",", features)))
        .addMetadataProps(OnnxMl.StringStringEntryProto.newBuilder().setKey("class_labels").setValue(String.join(",", classes)))
        .build();
    Files.write(out, proto.toByteArray());
  }
}
