package dev.mlops.serving;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;
import org.tribuo.Output;

/**
 * Chooses the variant of each request without a lock: by weight (a uniform draw, or the hash of a
 * sticky request key, against cumulative weights read from one immutable table), or, for requests
 * without a sticky key, by the endpoint's {@link Bandit}, which owns its choice. A sticky key lands
 * on the same variant for as long as the weights stay the same; moving weight between two variants
 * moves only the keys in the share that changed hands.
 */
final class Router<T extends Output<T>> {
  /** Variants with a weight above zero and their cumulative weights. */
  private record Table<T extends Output<T>>(List<Variant<T>> variants, double[] cumulative) {}

  private final List<Variant<T>> routed;
  private final @Nullable Bandit bandit;
  private final SplitMix random;
  private volatile Table<T> table;

  Router(List<Variant<T>> routed, @Nullable Bandit bandit) {
    this.routed = List.copyOf(routed);
    this.bandit = bandit;
    this.random = new SplitMix(bandit == null ? System.nanoTime() : bandit.seed());
    this.table = build();
  }

  /** Rebuilds the weight table after a weight changed. */
  void reweight() {
    table = build();
  }

  private Table<T> build() {
    List<Variant<T>> vs = new ArrayList<>();
    List<Double> ws = new ArrayList<>();
    double sum = 0;
    for (Variant<T> v : routed) {
      if (v.weight > 0) {
        vs.add(v);
        sum += v.weight;
        ws.add(sum);
      }
    }
    double[] cum = new double[ws.size()];
    for (int i = 0; i < cum.length; i++) {
      cum[i] = ws.get(i) / sum;
    }
    return new Table<>(List.copyOf(vs), cum);
  }

  Variant<T> choose(@Nullable String key) {
    if (bandit != null && key == null) {
      return bandit.choose(routed, random);
    }
    Table<T> t = table;
    List<Variant<T>> vs = t.variants;
    if (vs.size() == 1) {
      return vs.get(0);
    }
    if (vs.isEmpty()) {
      return routed.get(0);
    }
    double u = key == null ? ThreadLocalRandom.current().nextDouble()
        : SplitMix.unit(SplitMix.mix(key.hashCode() * SplitMix.GOLDEN + 0x5DEECE66DL));
    double[] cum = t.cumulative;
    for (int i = 0; i < cum.length - 1; i++) {
      if (u < cum[i]) {
        return vs.get(i);
      }
    }
    return vs.get(vs.size() - 1);
  }
}
