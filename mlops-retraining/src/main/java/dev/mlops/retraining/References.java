package dev.mlops.retraining;

import dev.mlops.api.NotFoundException;
import dev.mlops.api.internal.Digests;
import dev.mlops.monitoring.Monitor;
import dev.mlops.monitoring.profile.ColumnProfile;
import dev.mlops.monitoring.profile.Profile;
import dev.mlops.tracking.ActiveRun;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.tribuo.Dataset;
import org.tribuo.Example;
import org.tribuo.Feature;
import org.tribuo.Output;
import org.tribuo.VariableInfo;

/**
 * The reference profiles a promotion hands to the watched monitors. Each is prepared before the alias moves, with the
 * monitor's own columns in its own order: a column the challenger's training rows hold as a feature is profiled from
 * them (a feature absent from an example counts as 0, as Tribuo's models read it); any other column (a label column,
 * a column the model does not use) keeps its previous profile, so live data is never compared with invented values.
 * The profiles are logged to the retraining's run and applied once the alias serves the challenger, in every process
 * watching the loop.
 */
final class References {
  private References() {}

  /**
   * The references prepared for a retraining's watched monitors.
   *
   * @param references what each is made of
   * @param digest the digest of the profiles as logged, or null without watched monitors
   */
  record Prepared(List<Retraining.Reference> references, @Nullable String digest) {}

  private static String artifact(Monitor m) {
    return "reference/" + m.name() + ".profile";
  }

  private static List<String> names(Profile p) {
    return p.columns().stream().map(ColumnProfile::name).toList();
  }

  /** Builds each watched monitor's next reference from {@code train} and its current reference, and logs it to {@code run}. */
  static <T extends Output<T>> Prepared prepare(List<Monitor> monitors, Dataset<T> train, ActiveRun run) {
    if (monitors.isEmpty()) {
      return new Prepared(List.of(), null);
    }
    Set<String> features = new HashSet<>();
    for (VariableInfo v : train.getFeatureMap()) {
      features.add(v.getName());
    }
    MessageDigest md = Digests.newSha256();
    List<Retraining.Reference> out = new ArrayList<>();
    for (Monitor m : monitors) {
      Profile previous = m.reference();
      List<String> columns = names(previous);
      List<String> fromTraining = columns.stream().filter(features::contains).toList();
      List<String> kept = columns.stream().filter(c -> !features.contains(c)).toList();
      Profile trained = profile(train, fromTraining);
      List<ColumnProfile> parts = new ArrayList<>();
      for (String c : columns) {
        parts.add(features.contains(c) ? trained.column(c) : previous.column(c));
      }
      byte[] bytes = Profile.of(trained.rows(), parts).toBytes();
      run.logArtifact(artifact(m), new ByteArrayInputStream(bytes));
      md.update(bytes);
      out.add(new Retraining.Reference(m.name(), fromTraining, kept));
    }
    return new Prepared(out, Digests.hex(md));
  }

  /** The rows' values of {@code columns} only (dense: a feature absent from an example is 0). */
  private static <T extends Output<T>> Profile profile(Dataset<T> rows, List<String> columns) {
    Profile p = new Profile();
    Set<String> wanted = Set.copyOf(columns);
    for (Example<T> e : rows) {
      Map<String, Object> row = new LinkedHashMap<>();
      for (String c : columns) {
        row.put(c, 0.0);
      }
      for (Feature f : e) {
        if (wanted.contains(f.getName())) {
          row.put(f.getName(), f.getValue());
        }
      }
      p.update(row);
    }
    return p;
  }

  /**
   * Points this process's watched monitors at a promoted retraining's prepared references.
   *
   * @return one sentence per monitor that keeps its previous reference, and why
   */
  static List<String> apply(LoopConfig<?> config, Retraining r) {
    List<String> problems = new ArrayList<>();
    String runId = r.runId();
    if (runId == null) {
      return problems;
    }
    for (Monitor m : config.monitors()) {
      try {
        byte[] bytes;
        try (InputStream in = config.tracker().artifacts().open(runId, artifact(m))) {
          bytes = in.readAllBytes();
        }
        m.replaceReference(Profile.fromBytes(bytes));
      } catch (NotFoundException e) {
        problems.add("monitor " + m.name() + " keeps its previous reference: run " + runId + " holds none prepared for it");
      } catch (IOException | RuntimeException e) {
        problems.add("monitor " + m.name() + " keeps its previous reference: replacing it failed: " + e);
      }
    }
    return problems;
  }
}
