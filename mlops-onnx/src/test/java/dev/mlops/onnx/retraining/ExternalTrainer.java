package dev.mlops.onnx.retraining;

import ai.onnx.proto.OnnxMl;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
 * The external training program of the tests, run as its own JVM the way a data scientist's script
 * runs: it reads {@code $MLOPS_MANIFEST}, checks each CSV file against the row count and SHA-256
 * the manifest gives, trains a Tribuo logistic regression on {@code train.csv} and writes it to
 * {@code $MLOPS_OUTPUT} with Tribuo's ONNX export, naming its features and classes in
 * metadata_props as a PyTorch export script would.
 */
public final class ExternalTrainer {
  private ExternalTrainer() {}

  public static void main(String[] args) throws Exception {
    Path manifestFile = Path.of(System.getenv("MLOPS_MANIFEST"));
    JsonNode manifest = new ObjectMapper().readTree(manifestFile.toFile());
    Path dir = manifestFile.getParent();
    MutableDataset<Label> train = read(dir, manifest, manifest.get("train"));
    read(dir, manifest, manifest.get("holdout"));   // checked as well, not trained on
    System.err.println("trained on " + train.size() + " rows of " + manifest.get("features"));
    export(new LogisticRegressionTrainer().train(train), Path.of(System.getenv("MLOPS_OUTPUT")));
  }

  /** SHA-256 in lower-case hex, computed here rather than by the library under test. */
  static String sha256(byte[] bytes) {
    try {
      return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static String sha256(String text) {
    return sha256(text.getBytes(StandardCharsets.UTF_8));
  }

  /** The rows of one CSV file the manifest describes, its digest and row count checked. */
  static MutableDataset<Label> read(Path dir, JsonNode manifest, JsonNode file) throws IOException {
    Path csv = dir.resolve(file.get("file").asText());
    String sha = sha256(Files.readAllBytes(csv));
    if (!sha.equals(file.get("sha256").asText())) {
      throw new IllegalStateException(csv + " has SHA-256 " + sha + ", the manifest says " + file.get("sha256").asText());
    }
    List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
    String[] header = lines.get(0).split(",");
    List<String> columns = new ArrayList<>();
    manifest.get("columns").forEach(c -> columns.add(c.asText()));
    if (!List.of(header).equals(columns)) {
      throw new IllegalStateException("header " + List.of(header) + " is not the manifest's columns " + columns);
    }
    int label = columns.indexOf(manifest.get("label").asText());
    String[] features = new String[columns.size() - 1];
    for (int i = 0, k = 0; i < header.length; i++) {
      if (i != label) {
        features[k++] = header[i];
      }
    }
    LabelFactory f = new LabelFactory();
    MutableDataset<Label> d = new MutableDataset<>(new SimpleDataSourceProvenance(csv.toString(), f), f);
    for (String line : lines.subList(1, lines.size())) {
      String[] cells = line.split(",");
      double[] x = new double[features.length];
      for (int i = 0, k = 0; i < cells.length; i++) {
        if (i != label) {
          x[k++] = Double.parseDouble(cells[i]);
        }
      }
      d.add(new ArrayExample<>(new Label(cells[label]), features, x));
    }
    if (d.size() != file.get("rows").asInt()) {
      throw new IllegalStateException(csv + " has " + d.size() + " rows, the manifest says " + file.get("rows"));
    }
    return d;
  }

  /** Tribuo's ONNX export of {@code model}, its feature and class names (or {@code renamed} features) in metadata_props. */
  static void export(Model<Label> model, Path out, String... renamed) throws IOException {
    ImmutableFeatureMap fm = model.getFeatureIDMap();
    String[] features = new String[fm.size()];
    for (VariableInfo v : fm) {
      features[((VariableIDInfo) v).getID()] = v.getName();
    }
    if (renamed.length > 0) {
      features = renamed;
    }
    String[] classes = new String[model.getOutputIDInfo().size()];
    model.getOutputIDInfo().forEach(p -> classes[p.getA()] = p.getB().getLabel());
    OnnxMl.ModelProto proto = ((ONNXExportable) model).exportONNXModel("dev.mlops.test", 1L).toBuilder()
        .addMetadataProps(OnnxMl.StringStringEntryProto.newBuilder().setKey("feature_names").setValue(String.join(",", features)))
        .addMetadataProps(OnnxMl.StringStringEntryProto.newBuilder().setKey("class_labels").setValue(String.join(",", classes)))
        .build();
    Files.write(out, proto.toByteArray());
  }
}
