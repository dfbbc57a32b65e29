package dev.mlops.retraining;

import dev.mlops.api.internal.Digests;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.tribuo.Dataset;
import org.tribuo.Example;
import org.tribuo.Feature;
import org.tribuo.MutableDataset;
import org.tribuo.Output;
import org.tribuo.VariableInfo;
import org.tribuo.provenance.SimpleDataSourceProvenance;

/** A retraining's rows: the seeded holdout split, the digest that identifies them, the schema the run records. */
final class Rows {
  private Rows() {}

  /** Splits with a seeded shuffle: the first part trains, the second is held out. */
  static <T extends Output<T>> List<Dataset<T>> split(Dataset<T> data, double holdoutFraction, long seed) {
    List<Example<T>> rows = new ArrayList<>();
    for (Example<T> e : data) {
      rows.add(e);
    }
    Collections.shuffle(rows, new Random(seed));
    int holdout = (int) Math.round(rows.size() * holdoutFraction);
    holdout = Math.max(rows.isEmpty() ? 0 : 1, Math.min(holdout, rows.size() - 1));
    MutableDataset<T> train = new MutableDataset<>(new SimpleDataSourceProvenance("retraining split: train", data.getOutputFactory()),
        data.getOutputFactory());
    MutableDataset<T> held = new MutableDataset<>(new SimpleDataSourceProvenance("retraining split: holdout", data.getOutputFactory()),
        data.getOutputFactory());
    for (int i = 0; i < rows.size(); i++) {
      (i < rows.size() - holdout ? train : held).add(rows.get(i));
    }
    return List.of(train, held);
  }

  /** SHA-256 of the rows in order: each example's output and its features' names and values. */
  static <T extends Output<T>> String digest(Dataset<T> data) {
    MessageDigest md = Digests.newSha256();
    for (Example<T> e : data) {
      StringBuilder s = new StringBuilder(e.getOutput().toString()).append('\u0001');
      for (Feature f : e) {
        s.append(f.getName()).append('=').append(Double.doubleToLongBits(f.getValue())).append('\u0002');
      }
      md.update(s.append('\n').toString().getBytes(StandardCharsets.UTF_8));
    }
    return Digests.hex(md);
  }

  static <T extends Output<T>> String schema(Dataset<T> data) {
    Set<String> names = new HashSet<>();
    for (VariableInfo v : data.getFeatureMap()) {
      names.add(v.getName());
    }
    return new TreeSet<>(names).toString();
  }
}
