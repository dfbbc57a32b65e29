package dev.mlops.registry;

import java.util.Random;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.sgd.linear.LogisticRegressionTrainer;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.SimpleDataSourceProvenance;

/** Small Tribuo models for tests. */
final class Models {
  private Models() {}

  static MutableDataset<Label> data(long seed) {
    LabelFactory f = new LabelFactory();
    MutableDataset<Label> d = new MutableDataset<>(new SimpleDataSourceProvenance("blobs", f), f);
    Random r = new Random(seed);
    for (int i = 0; i < 100; i++) {
      boolean pos = r.nextBoolean();
      d.add(new ArrayExample<>(new Label(pos ? "fraud" : "ok"), new String[] {"amount", "hour"},
          new double[] {r.nextGaussian() + (pos ? 2 : -2), r.nextGaussian()}));
    }
    return d;
  }

  static Model<Label> train(long seed) {
    return new LogisticRegressionTrainer().train(data(seed));
  }
}
