package dev.mlops.retraining;

import dev.mlops.monitoring.data.Column;
import dev.mlops.monitoring.data.Table;
import dev.mlops.monitoring.profile.Profile;
import dev.mlops.registry.ModelRegistry;
import dev.mlops.registry.Registration;
import java.util.Map;
import java.util.Random;
import org.tribuo.Example;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.sgd.linear.LogisticRegressionTrainer;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.SimpleDataSourceProvenance;

/** Small classification worlds: label "yes" around x1 = shift + 2, "no" around shift - 2; a shift moves the world. */
final class Fixture {
  static final String[] FEATURES = {"x1", "x2"};

  private Fixture() {}

  static MutableDataset<Label> data(long seed, int rows, double shift) {
    LabelFactory f = new LabelFactory();
    MutableDataset<Label> d = new MutableDataset<>(new SimpleDataSourceProvenance("world shifted by " + shift, f), f);
    Random r = new Random(seed);
    for (int i = 0; i < rows; i++) {
      boolean yes = r.nextBoolean();
      d.add(new ArrayExample<>(new Label(yes ? "yes" : "no"), FEATURES, new double[] {r.nextGaussian() + shift + (yes ? 2 : -2), r.nextGaussian()}));
    }
    return d;
  }

  /** Rows of one class only. */
  static MutableDataset<Label> oneClass(long seed, int rows) {
    LabelFactory f = new LabelFactory();
    MutableDataset<Label> d = new MutableDataset<>(new SimpleDataSourceProvenance("one class", f), f);
    Random r = new Random(seed);
    for (int i = 0; i < rows; i++) {
      d.add(new ArrayExample<>(new Label("yes"), FEATURES, new double[] {r.nextGaussian() + 2, r.nextGaussian()}));
    }
    return d;
  }

  static Model<Label> train(MutableDataset<Label> d) {
    return new LogisticRegressionTrainer().train(d);
  }

  /** A model trained on swapped labels: wrong almost everywhere. */
  static Model<Label> mislabelling(long seed, double shift) {
    MutableDataset<Label> d = data(seed, 300, shift);
    LabelFactory f = new LabelFactory();
    MutableDataset<Label> swapped = new MutableDataset<>(new SimpleDataSourceProvenance("swapped", f), f);
    for (Example<Label> e : d) {
      double[] x = new double[2];
      e.forEach(feat -> x[feat.getName().equals("x1") ? 0 : 1] = feat.getValue());
      swapped.add(new ArrayExample<>(new Label(e.getOutput().getLabel().equals("yes") ? "no" : "yes"), FEATURES, x));
    }
    return train(swapped);
  }

  /** Registers a champion trained on the unshifted world and points {@code @alias} at it. */
  static int champion(ModelRegistry registry, String model, String alias) {
    int v = registry.register(Registration.of(model).fromModel(train(data(1, 400, 0)))).version();
    registry.setAlias(model, alias, v);
    return v;
  }

  /** A profile of (x1, x2) rows of a world. */
  static Profile profile(long seed, int rows, double shift) {
    MutableDataset<Label> d = data(seed, rows, shift);
    double[] x1 = new double[rows];
    double[] x2 = new double[rows];
    int i = 0;
    for (Example<Label> e : d) {
      int row = i++;
      e.forEach(f -> (f.getName().equals("x1") ? x1 : x2)[row] = f.getValue());
    }
    return Profile.of(Table.of(java.util.List.of(Column.numerical("x1", x1), Column.numerical("x2", x2))));
  }

  /** A row of a world, as a monitor logs it. */
  static Map<String, Object> row(Random r, double shift) {
    boolean yes = r.nextBoolean();
    return Map.of("x1", r.nextGaussian() + shift + (yes ? 2 : -2), "x2", r.nextGaussian());
  }
}
