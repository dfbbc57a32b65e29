package dev.mlops.retraining;

import dev.mlops.api.InvalidArgumentException;
import dev.mlops.monitoring.data.Column;
import dev.mlops.monitoring.data.Table;
import dev.mlops.monitoring.profile.ColumnProfile;
import dev.mlops.monitoring.profile.Profile;
import dev.mlops.monitoring.quality.CheckResult;
import dev.mlops.monitoring.quality.DataQuality;
import dev.mlops.monitoring.quality.QualityReport;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;
import org.tribuo.Dataset;
import org.tribuo.Example;
import org.tribuo.Feature;
import org.tribuo.Output;

/**
 * Checks a retraining's data before anything is trained, against the reference: bad data refuses
 * the retraining with every reason recorded. The checks: a minimum of training and held-out rows;
 * for classifiers at least two classes and a minimum share of the rarest; the schema (every feature
 * the champion uses appears in the training rows); and the monitoring module's data-quality checks
 * of the training rows against the reference profile (missing values, out-of-range values,
 * duplicates, declared checks).
 *
 * <pre>{@code
 * DataValidation.defaults().minRows(500).minClassShare(0.05).quality(DataQuality.with(List.of()));
 * }</pre>
 */
public final class DataValidation {
  private final int minTrainRows;
  private final int minHoldoutRows;
  private final double minClassShare;
  private final boolean schema;
  private final @Nullable DataQuality quality;

  private DataValidation(int minTrainRows, int minHoldoutRows, double minClassShare, boolean schema, @Nullable DataQuality quality) {
    this.minTrainRows = minTrainRows;
    this.minHoldoutRows = minHoldoutRows;
    this.minClassShare = minClassShare;
    this.schema = schema;
    this.quality = quality;
  }

  /** At least 30 training and 30 held-out rows, every class at least 1 % of the rows, the schema checked; no quality checks. */
  public static DataValidation defaults() {
    return new DataValidation(30, 30, 0.01, true, null);
  }

  /** The minimum training rows. */
  public DataValidation minRows(int rows) {
    if (rows < 1) {
      throw InvalidArgumentException.of("minRows", rows, "must be >= 1");
    }
    return new DataValidation(rows, minHoldoutRows, minClassShare, schema, quality);
  }

  /** The minimum held-out rows. */
  public DataValidation minHoldoutRows(int rows) {
    if (rows < 1) {
      throw InvalidArgumentException.of("minHoldoutRows", rows, "must be >= 1");
    }
    return new DataValidation(minTrainRows, rows, minClassShare, schema, quality);
  }

  /** Classifiers: the rarest class's minimum share of the training rows (0 to check only that there are two classes). */
  public DataValidation minClassShare(double share) {
    if (!(share >= 0 && share < 0.5)) {
      throw InvalidArgumentException.of("minClassShare", share, "must be in [0, 0.5)");
    }
    return new DataValidation(minTrainRows, minHoldoutRows, share, schema, quality);
  }

  /** Whether every feature the champion uses must appear in the training rows (default true). */
  public DataValidation schema(boolean check) {
    return new DataValidation(minTrainRows, minHoldoutRows, minClassShare, check, quality);
  }

  /** Runs these data-quality checks on the training rows against the reference profile (needs a watched monitor). */
  public DataValidation quality(DataQuality checks) {
    return new DataValidation(minTrainRows, minHoldoutRows, minClassShare, schema, checks);
  }

  /**
   * Validates.
   *
   * @param championFeatures the features the champion uses, or empty without a champion
   * @param reference the reference profile the quality checks compare with, or null
   */
  public <T extends Output<T>> ValidationResult validate(Dataset<T> train, Dataset<T> holdout, Set<String> championFeatures,
      @Nullable Profile reference) {
    List<String> failures = new ArrayList<>();
    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("train_rows", train.size());
    figures.put("holdout_rows", holdout.size());
    if (train.size() < minTrainRows) {
      failures.add("training rows: " + train.size() + ", fewer than the minimum " + minTrainRows);
    }
    if (holdout.size() < minHoldoutRows) {
      failures.add("held-out rows: " + holdout.size() + ", fewer than the minimum " + minHoldoutRows);
    }
    Map<String, Long> counts = new TreeMap<>();
    boolean categorical = true;
    Set<String> seen = new HashSet<>();
    for (Example<T> e : train) {
      T out = e.getOutput();
      if (out instanceof org.tribuo.classification.Label l) {
        counts.merge(l.getLabel(), 1L, Long::sum);
      } else {
        categorical = false;
      }
      for (Feature f : e) {
        seen.add(f.getName());
      }
    }
    if (categorical && train.size() > 0) {
      Map<String, Double> shares = new TreeMap<>();
      counts.forEach((k, v) -> shares.put(k, v / (double) train.size()));
      figures.put("class_shares", shares);
      if (counts.size() < 2) {
        failures.add("training rows have " + counts.size() + " class(es) " + counts.keySet() + ": a classifier needs at least two");
      } else {
        Map.Entry<String, Double> rarest = shares.entrySet().stream().min(Map.Entry.comparingByValue()).orElseThrow();
        if (rarest.getValue() < minClassShare) {
          failures.add(String.format(Locale.ROOT, "class '%s' is %.2f%% of the training rows, below the minimum %.2f%%", rarest.getKey(),
              rarest.getValue() * 100, minClassShare * 100));
        }
      }
    }
    if (schema && !championFeatures.isEmpty()) {
      Set<String> missing = new TreeSet<>(championFeatures);
      missing.removeAll(seen);
      figures.put("missing_features", List.copyOf(missing));
      if (!missing.isEmpty()) {
        failures.add("features the champion uses never appear in the training rows: " + missing);
      }
    }
    if (quality != null && reference != null) {
      QualityReport q = quality.check(reference, table(train, reference, seen));
      List<String> failed = new ArrayList<>();
      for (CheckResult r : q.results()) {
        if (!r.passed()) {
          failed.add(r.check() + (r.column().isEmpty() ? "" : "(" + r.column() + ")") + ": observed " + r.observed() + ", expected " + r.expected());
        }
      }
      figures.put("quality_checks", q.results().size());
      figures.put("quality_failures", failed);
      if (!failed.isEmpty()) {
        failures.add("data quality against the reference failed: " + String.join("; ", failed));
      }
    } else if (quality != null) {
      failures.add("data-quality checks are configured but there is no reference profile: watch a monitor or drop quality(...)");
    }
    return new ValidationResult(failures.isEmpty(), failures, figures);
  }

  /** The training rows as a table of the reference's columns that are features (a feature absent from a Tribuo example is 0, Tribuo's sparse convention). */
  static <T extends Output<T>> Table table(Dataset<T> data, Profile reference, Set<String> features) {
    List<String> names = reference.columns().stream().map(ColumnProfile::name).filter(features::contains).toList();
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < names.size(); i++) {
      index.put(names.get(i), i);
    }
    double[][] values = new double[names.size()][data.size()];
    int row = 0;
    for (Example<T> e : data) {
      for (Feature f : e) {
        Integer i = index.get(f.getName());
        if (i != null) {
          values[i][row] = f.getValue();
        }
      }
      row++;
    }
    List<Column> columns = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      columns.add(Column.numerical(names.get(i), values[i]));
    }
    return Table.of(columns);
  }
}
