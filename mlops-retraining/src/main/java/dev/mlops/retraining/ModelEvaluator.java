package dev.mlops.retraining;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tribuo.Dataset;
import org.tribuo.Model;
import org.tribuo.Output;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.classification.evaluation.LabelEvaluation;
import org.tribuo.classification.evaluation.LabelEvaluator;
import org.tribuo.regression.Regressor;
import org.tribuo.regression.evaluation.RegressionEvaluation;
import org.tribuo.regression.evaluation.RegressionEvaluator;

/** Computes a model's metrics on held-out rows; challenger and champion are evaluated by the same evaluator on the same rows. */
@FunctionalInterface
public interface ModelEvaluator<T extends Output<T>> {
  /** The metrics of {@code model} on {@code holdout}. */
  Evaluation evaluate(Model<T> model, Dataset<T> holdout);

  /**
   * Classifiers: {@code accuracy}, {@code macro_f1}, {@code macro_precision}, {@code macro_recall}
   * and {@code balanced_error_rate} (Tribuo's {@link LabelEvaluator}), with per-row correctness for
   * McNemar's test (and 0/1 losses).
   */
  static ModelEvaluator<Label> classification() {
    return (model, holdout) -> {
      List<Prediction<Label>> predictions = model.predict(holdout);
      LabelEvaluation e = new LabelEvaluator().evaluate(model, predictions, holdout.getProvenance());
      boolean[] correct = new boolean[predictions.size()];
      double[] losses = new double[predictions.size()];
      for (int i = 0; i < correct.length; i++) {
        Prediction<Label> p = predictions.get(i);
        correct[i] = p.getOutput().getLabel().equals(p.getExample().getOutput().getLabel());
        losses[i] = correct[i] ? 0 : 1;
      }
      Map<String, Double> m = new LinkedHashMap<>();
      m.put("accuracy", e.accuracy());
      m.put("macro_f1", e.macroAveragedF1());
      m.put("macro_precision", e.macroAveragedPrecision());
      m.put("macro_recall", e.macroAveragedRecall());
      m.put("balanced_error_rate", e.balancedErrorRate());
      return new Evaluation(m, correct, losses);
    };
  }

  /**
   * Regressors: {@code rmse}, {@code mae} and {@code r2} averaged over the output dimensions
   * (Tribuo's {@link RegressionEvaluator}), with per-row squared errors for the paired bootstrap.
   */
  static ModelEvaluator<Regressor> regression() {
    return (model, holdout) -> {
      List<Prediction<Regressor>> predictions = model.predict(holdout);
      RegressionEvaluation e = new RegressionEvaluator().evaluate(model, predictions, holdout.getProvenance());
      double[] losses = new double[predictions.size()];
      for (int i = 0; i < losses.length; i++) {
        double[] predicted = predictions.get(i).getOutput().getValues();
        double[] truth = predictions.get(i).getExample().getOutput().getValues();
        double s = 0;
        for (int k = 0; k < truth.length; k++) {
          s += (predicted[k] - truth[k]) * (predicted[k] - truth[k]);
        }
        losses[i] = s / truth.length;
      }
      Map<String, Double> m = new LinkedHashMap<>();
      m.put("rmse", e.averageRMSE());
      m.put("mae", e.averageMAE());
      m.put("r2", e.averageR2());
      return new Evaluation(m, null, losses);
    };
  }
}
