package dev.mlops.samples;

import dev.mlops.api.StorageBackend;
import dev.mlops.registry.ModelRegistry;

/**
 * The names one run of the demo gives what it keeps in the store: its registered model, its two
 * monitors (with their prediction logs), its retraining loop and its report files. The first run on
 * a store takes the plain names ({@code churn-classifier}, {@code churn-ct}); a later run on the
 * same store takes the next free suffix ({@code churn-classifier-2}, {@code churn-ct-2}), so that it
 * starts from an empty model, monitor and loop and tells the same story, instead of meeting the
 * champion, windows and retrainings an earlier run left behind.
 *
 * @param run the demo run this is on its store, from 1
 */
record DemoNames(int run) {
  private static final String MODEL = "churn-classifier";

  /** The names of the first demo run on {@code backend} whose model is not registered yet. */
  static DemoNames next(StorageBackend backend) {
    try (ModelRegistry registry = ModelRegistry.builder().storage(backend).principal(() -> "alice").build()) {
      int run = 1;
      while (registry.getModel(new DemoNames(run).model()).isPresent()) {
        run++;
      }
      return new DemoNames(run);
    }
  }

  /** Empty for the first run, {@code -n} for the n-th. */
  String suffix() {
    return run == 1 ? "" : "-" + run;
  }

  /** The registered model, also the name of the monitor that watches its production traffic. */
  String model() {
    return MODEL + suffix();
  }

  /** The continuous-training monitor, its prediction log and its retraining loop. */
  String retraining() {
    return "churn-ct" + suffix();
  }

  /** What the demo prints first on a store that earlier runs used, or nothing on a fresh one. */
  String announcement() {
    if (run == 1) {
      return "";
    }
    return String.format("This store already holds %d earlier run%s of the demo (model %s%s); this run registers %s and watches"
        + " the monitors %s and %s, so that it starts from an empty model, monitor and loop as the first run did",
        run - 1, run == 2 ? "" : "s", MODEL, run == 2 ? "" : " to " + new DemoNames(run - 1).model(), model(), model(), retraining());
  }
}
