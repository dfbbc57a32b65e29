package dev.mlops.onnx.retraining;

import com.oracle.labs.mlrg.olcut.util.Pair;
import dev.mlops.api.InvalidArgumentException;
import dev.mlops.onnx.OnnxModel;
import dev.mlops.onnx.OnnxPrediction;
import dev.mlops.onnx.OnnxSignature;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.tribuo.Dataset;
import org.tribuo.Example;
import org.tribuo.Excuse;
import org.tribuo.Feature;
import org.tribuo.ImmutableFeatureMap;
import org.tribuo.Model;
import org.tribuo.MutableFeatureMap;
import org.tribuo.MutableOutputInfo;
import org.tribuo.Output;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.provenance.ModelProvenance;
import org.tribuo.provenance.impl.EmptyDatasetProvenance;
import org.tribuo.provenance.impl.EmptyTrainerProvenance;
import org.tribuo.regression.Regressor;

/**
 * A Tribuo view of an ONNX Runtime session, for evaluation only: predictions go through
 * {@link OnnxModel#predict(Map)} (a feature a sparse row lacks is 0); the output domain is the
 * graph's classes and the rows' outputs. Closing it closes the session. Not serializable in any
 * useful way: the session stays in this process.
 */
class OnnxTribuoModel<T extends Output<T>> extends Model<T> implements AutoCloseable {
  private static final long serialVersionUID = 1L;
  private final transient OnnxModel onnx;
  private final List<String> features;
  private final String dimension;

  OnnxTribuoModel(OnnxModel onnx, Dataset<T> rows) {
    super("onnx", new ModelProvenance(OnnxTribuoModel.class.getName(), OffsetDateTime.now(), new EmptyDatasetProvenance(),
        new EmptyTrainerProvenance()), featureMap(onnx.signature()), outputInfo(onnx.signature(), rows), onnx.signature().probabilities());
    this.onnx = onnx;
    this.features = onnx.signature().featureNames();
    boolean classifier = rows.getOutputFactory().getUnknownOutput() instanceof Label;
    boolean classifies = onnx.signature().task() == OnnxSignature.Task.CLASSIFICATION;
    if (classifier != classifies) {
      throw InvalidArgumentException.of("ONNX model", onnx, "is a " + onnx.signature().task().name().toLowerCase(java.util.Locale.ROOT)
          + " model, but the loop's rows are " + (classifier ? "classified" : "regressed"));
    }
    this.dimension = classifier ? "" : dimension(rows);
  }

  OnnxModel onnx() {
    return onnx;
  }

  private static String dimension(Dataset<?> rows) {
    for (Example<?> e : rows) {
      Regressor r = (Regressor) e.getOutput();
      if (r.size() != 1) {
        throw InvalidArgumentException.of("output", r, "must have one dimension for an ONNX regressor");
      }
      return r.getNames()[0];
    }
    throw InvalidArgumentException.of("rows", rows.size(), "must hold at least one row");
  }

  private static ImmutableFeatureMap featureMap(OnnxSignature signature) {
    MutableFeatureMap fm = new MutableFeatureMap();
    for (String f : signature.featureNames()) {
      fm.add(f, 0.0);
    }
    return new ImmutableFeatureMap(fm);
  }

  @SuppressWarnings("unchecked")
  private static <T extends Output<T>> org.tribuo.ImmutableOutputInfo<T> outputInfo(OnnxSignature signature, Dataset<T> rows) {
    MutableOutputInfo<T> info = rows.getOutputFactory().generateInfo();
    if (rows.getOutputFactory().getUnknownOutput() instanceof Label) {
      for (String c : signature.classes()) {
        info.observe((T) new Label(c));
      }
    }
    for (Example<T> e : rows) {
      info.observe(e.getOutput());
    }
    return info.generateImmutableOutputInfo();
  }

  @Override
  @SuppressWarnings("unchecked")
  public Prediction<T> predict(Example<T> example) {
    Map<String, Double> row = new LinkedHashMap<>();
    for (String f : features) {
      row.put(f, 0.0);
    }
    int used = 0;
    for (Feature f : example) {
      if (row.containsKey(f.getName())) {
        row.put(f.getName(), f.getValue());
        used++;
      }
    }
    OnnxPrediction p = onnx.predict(row);
    if (!p.isClassification()) {
      return new Prediction<>((T) new Regressor(dimension, p.value()), used, example);
    }
    Map<String, T> scores = new LinkedHashMap<>();
    p.scores().forEach((label, score) -> scores.put(label, (T) new Label(label, score)));
    Double top = p.scores().get(p.label());
    Label predicted = top == null ? new Label(p.label()) : new Label(p.label(), top);
    return new Prediction<>((T) predicted, scores, used, example, p.hasProbabilities());
  }

  @Override
  public Map<String, List<Pair<String, Double>>> getTopFeatures(int n) {
    return Map.of();
  }

  @Override
  public Optional<Excuse<T>> getExcuse(Example<T> example) {
    return Optional.empty();
  }

  @Override
  protected Model<T> copy(String newName, ModelProvenance newProvenance) {
    throw new UnsupportedOperationException("an ONNX session's Tribuo view is not copied; load the version again");
  }

  @Override
  public void close() {
    onnx.close();
  }

  @Override
  public String toString() {
    return "OnnxTribuoModel[" + onnx + "]";
  }
}
