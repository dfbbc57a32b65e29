package dev.mlops.mlflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.mlops.api.StorageException;
import dev.mlops.api.tracking.DatasetInput;
import dev.mlops.api.tracking.Experiment;
import dev.mlops.api.tracking.LifecycleStage;
import dev.mlops.api.tracking.Metric;
import dev.mlops.api.tracking.RunInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * MLflow's {@code mlruns/} file store, read as MLflow's {@code FileStore} and its registry's
 * {@code FileStore} write it: {@code EXPERIMENT/meta.yaml} (deleted experiments under
 * {@code .trash/}), {@code EXPERIMENT/tags/KEY}, {@code EXPERIMENT/RUN/meta.yaml} (status as
 * MLflow's enum number), {@code RUN/params/KEY}, {@code RUN/tags/KEY}, {@code RUN/metrics/KEY}
 * (one {@code TIMESTAMP VALUE [STEP]} line per point), {@code RUN/inputs/ID/meta.yaml} naming
 * {@code EXPERIMENT/datasets/ID/meta.yaml}, {@code RUN/artifacts/}; and
 * {@code models/NAME/meta.yaml}, {@code models/NAME/tags/KEY}, {@code models/NAME/aliases/ALIAS}
 * (the version), {@code models/NAME/version-N/meta.yaml} and its {@code tags/}. A key with
 * {@code /} is a nested file, as MLflow writes it.
 */
final class FileMlflowSource implements MlflowSource {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  /** MLflow's {@code RunStatus} enum numbers (service.proto). */
  private static final Map<Integer, String> STATUS = Map.of(1, "RUNNING", 2, "SCHEDULED", 3, "FINISHED", 4, "FAILED", 5, "KILLED");
  private static final List<String> NOT_RUNS = List.of("tags", "datasets", "traces", "models");
  private final Path root;
  private final Map<String, Path> experimentDirs = new LinkedHashMap<>();

  FileMlflowSource(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  @Override
  public String describe() {
    return root.toUri().toString();
  }

  @Override
  public List<Experiment> experiments() {
    List<Experiment> out = new ArrayList<>();
    for (Path dir : concat(children(root), children(root.resolve(".trash")))) {
      Path meta = dir.resolve("meta.yaml");
      if (!Files.isRegularFile(meta) || dir.getFileName().toString().equals("models")) {
        continue;
      }
      JsonNode m = yaml(meta);
      String id = text(m, "experiment_id", dir.getFileName().toString());
      experimentDirs.put(id, dir);
      out.add(new Experiment(id, text(m, "name", id), text(m, "artifact_location", ""), stage(text(m, "lifecycle_stage", "active")),
          m.path("creation_time").asLong(0), m.path("last_update_time").asLong(m.path("creation_time").asLong(0)),
          files(dir.resolve("tags"))));
    }
    return out;
  }

  @Override
  public List<SourceRun> runs(String experimentId) {
    Path expDir = experimentDirs.get(experimentId);
    List<SourceRun> out = new ArrayList<>();
    if (expDir == null) {
      return out;
    }
    for (Path dir : children(expDir)) {
      Path meta = dir.resolve("meta.yaml");
      if (NOT_RUNS.contains(dir.getFileName().toString()) || !Files.isRegularFile(meta)) {
        continue;
      }
      JsonNode m = yaml(meta);
      String id = text(m, "run_id", text(m, "run_uuid", dir.getFileName().toString()));
      Map<String, String> tags = files(dir.resolve("tags"));
      String name = text(m, "run_name", tags.getOrDefault(RunRoutes.RUN_NAME_TAG, ""));
      JsonNode status = m.path("status");
      String statusName = status.isInt() ? STATUS.getOrDefault(status.asInt(), "RUNNING") : status.asText("RUNNING");
      long end = m.path("end_time").isNumber() ? m.path("end_time").asLong() : -1;
      RunInfo info = new RunInfo(id, experimentId, name, MlflowSource.status(statusName), text(m, "user_id", ""),
          m.path("start_time").asLong(0), end, stage(text(m, "lifecycle_stage", "active")), text(m, "artifact_uri", ""),
          tags.getOrDefault(RunRoutes.PARENT_TAG, ""));
      out.add(new SourceRun(info, files(dir.resolve("params")), tags));
    }
    return out;
  }

  private Path runDir(SourceRun run) {
    return experimentDirs.get(run.info().experimentId()).resolve(run.id());
  }

  @Override
  public List<Metric> metrics(SourceRun run) {
    List<Metric> out = new ArrayList<>();
    Path dir = runDir(run).resolve("metrics");
    for (Map.Entry<String, Path> file : walk(dir).entrySet()) {
      for (String line : read(file.getValue()).split("\n")) {
        if (line.isBlank()) {
          continue;
        }
        String[] p = line.strip().split(" ");
        if (p.length != 2 && p.length != 3) {
          throw new StorageException("metric file " + file.getValue() + " has a malformed line '" + line + "' (expected TIMESTAMP VALUE [STEP])");
        }
        out.add(new Metric(file.getKey(), parseDouble(p[1]), Long.parseLong(p[0]), p.length == 3 ? Long.parseLong(p[2]) : 0));
      }
    }
    return out;
  }

  /** A value as Python's {@code str(float)} writes it: {@code nan}, {@code inf} and {@code -inf} included. */
  static double parseDouble(String s) {
    return switch (s.toLowerCase(Locale.ROOT)) {
      case "nan", "-nan" -> Double.NaN;
      case "inf", "+inf", "infinity" -> Double.POSITIVE_INFINITY;
      case "-inf", "-infinity" -> Double.NEGATIVE_INFINITY;
      default -> Double.parseDouble(s);
    };
  }

  @Override
  public List<DatasetInput> inputs(SourceRun run) {
    List<Message> messages = new ArrayList<>();
    Path datasets = experimentDirs.get(run.info().experimentId()).resolve("datasets");
    for (Path input : children(runDir(run).resolve("inputs"))) {
      Path meta = input.resolve("meta.yaml");
      if (!Files.isRegularFile(meta)) {
        continue;
      }
      JsonNode in = yaml(meta);
      Path dataset = datasets.resolve(text(in, "source_id", "")).resolve("meta.yaml");
      if (!text(in, "source_type", "DATASET").equals("DATASET") || !Files.isRegularFile(dataset)) {
        continue;
      }
      ObjectNode d = (ObjectNode) yaml(dataset);
      ObjectNode msg = Wire.object();
      msg.set("dataset", d);
      var tags = msg.putArray("tags");
      in.path("tags").fields().forEachRemaining(t -> tags.addObject().put("key", t.getKey()).put("value", t.getValue().asText()));
      messages.add(Message.of(msg));
    }
    return Datasets.parse(messages);
  }

  @Override
  public Optional<Path> artifactDir(SourceRun run) {
    Path local = runDir(run).resolve("artifacts");
    if (Files.isDirectory(local)) {
      return Optional.of(local);
    }
    return MlflowSource.localPath(run.info().artifactUri()).filter(Files::isDirectory);
  }

  @Override
  public List<SourceModel> models() {
    List<SourceModel> out = new ArrayList<>();
    for (Path dir : children(root.resolve("models"))) {
      Path meta = dir.resolve("meta.yaml");
      if (!Files.isRegularFile(meta)) {
        continue;
      }
      JsonNode m = yaml(meta);
      List<SourceVersion> versions = new ArrayList<>();
      for (Path v : children(dir)) {
        Path vmeta = v.resolve("meta.yaml");
        if (!v.getFileName().toString().startsWith("version-") || !Files.isRegularFile(vmeta)) {
          continue;
        }
        JsonNode vm = yaml(vmeta);
        String stage = text(vm, "current_stage", "None");
        if (stage.equalsIgnoreCase("Deleted_Internal")) {
          continue;
        }
        versions.add(new SourceVersion(vm.path("version").asInt(), text(vm, "source", ""), text(vm, "run_id", ""), stage,
            text(vm, "description", ""), files(v.resolve("tags")), text(vm, "storage_location", "")));
      }
      versions.sort(Comparator.comparingInt(SourceVersion::version));
      Map<String, Integer> aliases = new TreeMap<>();
      files(dir.resolve("aliases")).forEach((alias, version) -> aliases.put(alias, Integer.parseInt(version.strip())));
      out.add(new SourceModel(text(m, "name", dir.getFileName().toString()), text(m, "description", ""),
          m.path("creation_timestamp").asLong(0), m.path("last_updated_timestamp").asLong(0), files(dir.resolve("tags")), aliases,
          versions));
    }
    return out;
  }

  @Override
  public void close() {
    // nothing is held open between reads
  }

  // ---------------------------------------------------------------- files

  private static LifecycleStage stage(String s) {
    return s.equalsIgnoreCase("deleted") ? LifecycleStage.DELETED : LifecycleStage.ACTIVE;
  }

  private static String text(JsonNode m, String field, String otherwise) {
    JsonNode n = m.path(field);
    return n.isMissingNode() || n.isNull() ? otherwise : n.asText();
  }

  private static JsonNode yaml(Path file) {
    try {
      JsonNode n = YAML.readTree(file.toFile());
      return n == null || n.isMissingNode() ? Wire.object() : n;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /** The files under {@code dir} by their '/'-separated relative path and content (MLflow's keys and values). */
  private static Map<String, String> files(Path dir) {
    Map<String, String> out = new TreeMap<>();
    walk(dir).forEach((key, file) -> out.put(key, read(file)));
    return out;
  }

  private static Map<String, Path> walk(Path dir) {
    Map<String, Path> out = new TreeMap<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      s.filter(Files::isRegularFile).forEach(f -> out.put(dir.relativize(f).toString().replace(f.getFileSystem().getSeparator(), "/"), f));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
    }
    return out;
  }

  private static List<Path> children(Path dir) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(Files::isDirectory).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
    }
  }

  private static List<Path> concat(List<Path> a, List<Path> b) {
    List<Path> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }
}
