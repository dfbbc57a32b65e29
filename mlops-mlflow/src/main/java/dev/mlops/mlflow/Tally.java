package dev.mlops.mlflow;

import dev.mlops.api.InvalidArgumentException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The counts and the items left out of one import, made into its {@link MlflowImporter.Report}. */
final class Tally {
  private final String source;
  private final boolean dryRun;
  private final Map<String, Long> imported = new LinkedHashMap<>();
  private final Map<String, Long> already = new LinkedHashMap<>();
  private final List<String> leftOut = new ArrayList<>();

  Tally(String source, boolean dryRun) {
    this.source = source;
    this.dryRun = dryRun;
  }

  void imported(String kind, long n) {
    imported.merge(kind, n, Long::sum);
    already.putIfAbsent(kind, 0L);
  }

  void already(String kind, long n) {
    already.merge(kind, n, Long::sum);
    imported.putIfAbsent(kind, 0L);
  }

  void leftOut(String item) {
    leftOut.add(item);
  }

  /** The message of the refusal {@code check} throws, if it throws one. */
  static Optional<String> refusal(Runnable check) {
    try {
      check.run();
      return Optional.empty();
    } catch (InvalidArgumentException e) {
      return Optional.of(e.getMessage());
    }
  }

  MlflowImporter.Report report() {
    return new MlflowImporter.Report(source, dryRun, imported, already, leftOut);
  }
}
