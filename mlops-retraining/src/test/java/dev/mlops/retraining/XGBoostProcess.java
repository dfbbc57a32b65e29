package dev.mlops.retraining;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;

/**
 * An external training program that trains XGBoost itself, as a Python script with the
 * {@code xgboost} package would: it reads {@code train.csv} as the manifest describes it, trains a
 * booster (softprob, one class column per manifest class, in the manifest's order) and writes it in
 * XGBoost's own model format to {@code $MLOPS_OUTPUT}.
 */
public final class XGBoostProcess {
  private XGBoostProcess() {}

  public static void main(String[] args) throws Exception {
    Path manifestFile = Path.of(System.getenv("MLOPS_MANIFEST"));
    JsonNode manifest = new ObjectMapper().readTree(manifestFile.toFile());
    List<String> classes = new ArrayList<>();
    manifest.get("classes").forEach(c -> classes.add(c.asText()));
    int features = manifest.get("features").size();
    List<String> lines = Files.readAllLines(manifestFile.resolveSibling(manifest.get("train").get("file").asText()), StandardCharsets.UTF_8);
    int rows = lines.size() - 1;
    float[] x = new float[rows * features];
    float[] y = new float[rows];
    for (int r = 0; r < rows; r++) {
      String[] cells = lines.get(r + 1).split(",");
      for (int c = 0; c < features; c++) {
        x[r * features + c] = Float.parseFloat(cells[c]);
      }
      y[r] = classes.indexOf(cells[features]);
    }
    DMatrix train = new DMatrix(x, rows, features, Float.NaN);
    train.setLabel(y);
    Map<String, Object> params = new HashMap<>();
    params.put("objective", "multi:softprob");
    params.put("num_class", classes.size());
    params.put("max_depth", 3);
    params.put("eta", 0.3);
    params.put("nthread", 1);
    params.put("seed", 1);
    Booster booster = XGBoost.train(train, params, 20, new HashMap<>(), null, null);
    booster.saveModel(System.getenv("MLOPS_OUTPUT"));
    System.err.println("trained XGBoost on " + rows + " rows");
  }
}
