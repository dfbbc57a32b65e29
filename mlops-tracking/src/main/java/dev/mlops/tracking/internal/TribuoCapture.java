package dev.mlops.tracking.internal;

import dev.mlops.api.ConflictException;

import dev.mlops.api.internal.Digests;
import dev.mlops.api.internal.tribuo.TribuoProtobuf;
import com.oracle.labs.mlrg.olcut.config.json.JsonProvenanceSerialization;
import com.oracle.labs.mlrg.olcut.provenance.ListProvenance;
import com.oracle.labs.mlrg.olcut.provenance.MapProvenance;
import com.oracle.labs.mlrg.olcut.provenance.ObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.PrimitiveProvenance;
import com.oracle.labs.mlrg.olcut.provenance.Provenance;
import com.oracle.labs.mlrg.olcut.provenance.ProvenanceUtil;
import com.oracle.labs.mlrg.olcut.util.Pair;
import dev.mlops.api.StorageException;
import dev.mlops.api.internal.Validation;
import dev.mlops.api.artifact.ArtifactInfo;
import dev.mlops.api.tracking.Dataset;
import dev.mlops.api.tracking.DatasetInput;
import dev.mlops.tracking.ActiveRun;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.tribuo.Model;
import org.tribuo.classification.Label;
import org.tribuo.classification.evaluation.LabelEvaluation;
import org.tribuo.provenance.DataProvenance;
import org.tribuo.provenance.DatasetProvenance;
import org.tribuo.provenance.ModelProvenance;
import org.tribuo.regression.Regressor;
import org.tribuo.regression.evaluation.RegressionEvaluation;

/** What the tracker records of Tribuo models and evaluations. */
public final class TribuoCapture {
  /** Tag holding the SHA-256 of the logged model's protobuf bytes. */
  public static final String MODEL_SHA256 = "mlops.model.sha256";

  private TribuoCapture() {}

  /** Flattens an object provenance into dotted keys ({@code optimiser.initialLearningRate = 1.0}). */
  public static Map<String, String> flatten(ObjectProvenance prov) {
    Map<String, String> out = new LinkedHashMap<>();
    flatten("", prov, out, 0);
    return out;
  }

  private static void flatten(String prefix, Provenance p, Map<String, String> out, int depth) {
    if (depth > 16) {
      return;
    }
    if (p instanceof ObjectProvenance o) {
      for (Pair<String, Provenance> e : o) {
        flatten(prefix.isEmpty() ? e.getA() : prefix + "." + e.getA(), e.getB(), out, depth + 1);
      }
    } else if (p instanceof ListProvenance<?> l) {
      int i = 0;
      for (Provenance x : l) {
        flatten(prefix + "." + i++, x, out, depth + 1);
      }
    } else if (p instanceof MapProvenance<?> m) {
      for (Pair<String, ? extends Provenance> e : m) {
        flatten(prefix + "." + e.getA(), e.getB(), out, depth + 1);
      }
    } else if (p instanceof PrimitiveProvenance<?> prim) {
      out.put(prefix, String.valueOf(prim.getValue()));
    } else if (p != null) {
      out.put(prefix, p.toString());
    }
  }

  /** The provenance as indented JSON. */
  public static String provenanceJson(ObjectProvenance prov) {
    return new JsonProvenanceSerialization(true).serializeToString(ProvenanceUtil.marshalProvenance(prov));
  }

  /** Implements {@link ActiveRun#logModel}. */
  public static ArtifactInfo logModel(ActiveRun run, Model<?> model, String artifactPath) {
    Validation.notNull("model", model);
    String dir = artifactPath == null || artifactPath.isEmpty() ? "model" : artifactPath.replaceAll("/+$", "");
    ModelProvenance prov = model.getProvenance();
    Map<String, String> params = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : flatten(prov.getTrainerProvenance()).entrySet()) {
      String key = e.getKey().replaceAll("[^/\\w.\\- :]", "_");
      if (key.isEmpty() || key.length() > Validation.MAX_KEY_LENGTH || e.getValue().length() > Validation.MAX_PARAM_VALUE_LENGTH) {
        continue;
      }
      params.put(key, e.getValue());
    }
    try {
      run.logParams(params);
    } catch (ConflictException e) {
      throw new ConflictException("logModel logs the trainer's provenance as params, and one of them disagrees with a param "
          + "this run already has: " + e.getMessage() + ". Log params the trainer does not record (its provenance is "
          + "the source of truth for them), or log the value the trained model actually used", e);
    }
    DatasetProvenance data = prov.getDatasetProvenance();
    String dataJson = provenanceJson(data);
    Map<String, String> flatData = flatten(data);
    String digest = flatData.entrySet().stream().filter(e -> e.getKey().endsWith("resource-hash")).map(Map.Entry::getValue)
        .findFirst().orElse(sha256(dataJson.getBytes(StandardCharsets.UTF_8)));
    DataProvenance source = data.getSourceProvenance();
    String sourceText = source == null ? "" : flatten((ObjectProvenance) source).entrySet().stream()
        .filter(e -> e.getKey().equals("dataPath") || e.getKey().equals("path") || e.getKey().endsWith("uri") || e.getKey().equals("description"))
        .map(Map.Entry::getValue).findFirst().orElse(source.getClassName());
    String schema = "{\"features\":" + data.getNumFeatures() + ",\"outputs\":" + data.getNumOutputs() + ",\"dense\":" + data.isDense() + "}";
    String description = source == null ? "" : flatten((ObjectProvenance) source).getOrDefault("description", "");
    String name = !description.isBlank() && description.length() <= 200 ? description
        : shortName(source == null ? "tribuo-dataset" : source.getClassName());
    // training data the caller declared is the run's record of it (a model card would otherwise list
    // the same data twice, once per digest); Tribuo's view stays in provenance.json
    boolean declared = run.get().inputs().stream().anyMatch(i -> i.context().equals(DatasetInput.TRAINING));
    if (!declared) {
      run.logInput(new Dataset(name, digest, sourceText, schema, data.getNumExamples()), DatasetInput.TRAINING);
    }
    byte[] modelBytes = protobuf(model);
    String sha = sha256(modelBytes);
    Map<String, String> tags = new LinkedHashMap<>();
    tags.put("mlops.tribuo.version", prov.getTribuoVersion());
    tags.put("mlops.tribuo.java_version", prov.getJavaVersion());
    tags.put("mlops.tribuo.os", prov.getOS() + " " + prov.getArch());
    tags.put("mlops.tribuo.model_class", prov.getClassName());
    tags.put("mlops.tribuo.trainer_class", prov.getTrainerProvenance().getClassName());
    tags.put(MODEL_SHA256, sha);
    run.setTags(tags);
    run.logText(dir + "/provenance.json", provenanceJson(prov));
    return run.logArtifact(dir + "/model.tribuo", new java.io.ByteArrayInputStream(modelBytes));
  }

  private static String shortName(String className) {
    int dot = className.lastIndexOf('.');
    return dot < 0 ? className : className.substring(dot + 1);
  }

  /** A model's bytes in Tribuo's protobuf format. */
  public static byte[] protobuf(Model<?> model) {
    return TribuoProtobuf.write(model);
  }

  /** Lower-case hex SHA-256. */
  public static String sha256(byte[] bytes) {
    return Digests.sha256(bytes);
  }


  /** Accuracy, macro F1, per-class precision/recall/F1 and AUC (when the model gives probabilities). */
  public static Map<String, Double> metrics(LabelEvaluation ev, String prefix) {
    String p = prefix == null ? "" : prefix;
    Map<String, Double> m = new LinkedHashMap<>();
    m.put(p + "accuracy", ev.accuracy());
    m.put(p + "macro_f1", ev.macroAveragedF1());
    m.put(p + "micro_f1", ev.microAveragedF1());
    m.put(p + "balanced_error_rate", ev.balancedErrorRate());
    boolean probabilities = true;
    for (Label l : ev.getConfusionMatrix().getDomain().getDomain()) {
      String name = safe(l.getLabel());
      m.put(p + "precision." + name, ev.precision(l));
      m.put(p + "recall." + name, ev.recall(l));
      m.put(p + "f1." + name, ev.f1(l));
      if (probabilities) {
        try {
          m.put(p + "auc." + name, ev.AUCROC(l));
        } catch (UnsupportedOperationException e) {
          probabilities = false;
        }
      }
    }
    if (probabilities) {
      try {
        m.put(p + "auc_macro", ev.averageAUCROC(false));
      } catch (UnsupportedOperationException e) {
        // the model gives no probabilities
      }
    }
    return m;
  }

  /** RMSE, MAE and R² averaged over output dimensions, and per dimension when there are several. */
  public static Map<String, Double> metrics(RegressionEvaluation ev, String prefix) {
    String p = prefix == null ? "" : prefix;
    Map<String, Double> m = new LinkedHashMap<>();
    m.put(p + "rmse", ev.averageRMSE());
    m.put(p + "mae", ev.averageMAE());
    m.put(p + "r2", ev.averageR2());
    Map<Regressor, Double> rmse = ev.rmse();
    if (rmse.size() > 1) {
      for (Regressor r : rmse.keySet()) {
        String name = safe(r.getNames()[0]);
        m.put(p + "rmse." + name, ev.rmse(r));
        m.put(p + "mae." + name, ev.mae(r));
        m.put(p + "r2." + name, ev.r2(r));
      }
    }
    return m;
  }

  private static String safe(String s) {
    return s.replaceAll("[^\\w.\\-]", "_").toLowerCase(Locale.ROOT);
  }
}
