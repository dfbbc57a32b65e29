package dev.mlops.mlflow;

import dev.mlops.api.NotFoundException;
import dev.mlops.api.artifact.ArtifactInfo;
import dev.mlops.api.artifact.ArtifactStore;
import dev.mlops.api.registry.ModelSignature;
import java.util.List;

/**
 * Where a model version's bytes are: the run and artifact file its MLflow {@code source} names
 * ({@code runs:/RUN/PATH}, {@code mlflow-artifacts:/EXPERIMENT/RUN/artifacts/PATH}, or a logged
 * model's {@code models:/m-ID}, with or without a run); a directory
 * (an MLflow model directory) gives its one {@code .onnx} file, or else its one model file beside
 * MLflow's metadata files. The {@code MLmodel} file's column names and the {@code mlops.classes}
 * tag give the version's signature.
 */
final class VersionSources {
  /** MLflow's files beside the model in a model directory. */
  private static final List<String> METADATA = List.of("MLmodel", "conda.yaml", "python_env.yaml", "requirements.txt",
      "input_example.json", "serving_input_example.json", "registered_model_meta");

  private final ArtifactStore artifacts;
  private final LoggedModels loggedModels;

  VersionSources(ArtifactStore artifacts, LoggedModels loggedModels) {
    this.artifacts = artifacts;
    this.loggedModels = loggedModels;
  }

  /**
   * Where a version's bytes are: their owner in the artifact store (a run, or for a logged model
   * without a run that model's id), whether that owner is a run, the file, the MLflow file beside
   * it ("" for none), and the logged model they belong to (null for none).
   */
  record Source(String owner, boolean ofRun, String path, String mlmodel, @org.jspecify.annotations.Nullable String loggedModelId) {
    Source(String runId, String path, String mlmodel) {
      this(runId, true, path, mlmodel, loggedModelOf(path));
    }

    Source withFile(String file, String mlmodelFile) {
      return new Source(owner, ofRun, file, mlmodelFile, loggedModelId);
    }

    private static @org.jspecify.annotations.Nullable String loggedModelOf(String path) {
      var matcher = java.util.regex.Pattern.compile("^models/(m-[0-9a-f]{32})(/.*)?$").matcher(path);
      return matcher.matches() ? matcher.group(1) : null;
    }
  }

  /**
   * The owner and artifact file a version's source names; a directory gives its one model file. A
   * logged model ({@code models:/m-...}) gives its files: under its run, or, for a model logged
   * without a run, under its own id.
   */
  Source resolve(String source, String runIdField) {
    String runId;
    String path;
    boolean ofRun = true;
    String loggedModel = null;
    if (source.startsWith("models:/m-")) {
      // MLflow 3: a logged model by id (see LoggedModels for where its files are)
      String[] p = source.substring("models:/".length()).split("/", 2);
      var doc = loggedModels.require(p[0]);
      LoggedModels.Files f = LoggedModels.files(doc);
      runId = f.owner();
      ofRun = !f.folder().isEmpty();
      loggedModel = p[0];
      String rest = p.length > 1 && !p[1].isEmpty() ? p[1] : "";
      path = f.folder().isEmpty() ? rest : f.folder() + (rest.isEmpty() ? "" : "/" + rest);
    } else if (source.startsWith("runs:/")) {
      String[] p = source.substring("runs:/".length()).split("/", 2);
      runId = p[0];
      path = p.length > 1 ? p[1] : "";
    } else if (source.startsWith("mlflow-artifacts:/")) {
      String[] p = source.substring("mlflow-artifacts:/".length()).replaceFirst("^/+", "").split("/", 4);
      if (p.length < 3 || !p[2].equals("artifacts")) {
        throw MlflowError.invalid("source", source, "must be mlflow-artifacts:/EXPERIMENT/RUN/artifacts/PATH");
      }
      runId = p[1];
      path = p.length > 3 ? p[3] : "";
    } else {
      throw MlflowError.invalid("source", source, "must be runs:/RUN/PATH or an mlflow-artifacts: URI of a run of this server");
    }
    if (runIdField != null && !runIdField.isEmpty() && !runIdField.equals(ofRun ? runId : "")) {
      throw MlflowError.invalid("run_id", runIdField, ofRun ? "must be the run the source names (" + runId + ")"
          : "names a run, but the logged model " + runId + " was logged without one");
    }
    path = dev.mlops.api.artifact.ArtifactPaths.normalize(path, true);
    Source at = new Source(runId, ofRun, path, "", loggedModel != null ? loggedModel : Source.loggedModelOf(path));
    List<ArtifactInfo> children = path.isEmpty() ? list(at, source) : listIfDirectory(runId, path);
    if (children == null) {
      return at;
    }
    String mlmodel = children.stream().filter(a -> !a.directory() && a.path().endsWith("MLmodel")).map(ArtifactInfo::path).findFirst().orElse("");
    List<ArtifactInfo> files = children.stream().filter(a -> !a.directory()).toList();
    List<ArtifactInfo> onnx = files.stream().filter(a -> a.path().endsWith(".onnx")).toList();
    if (onnx.size() == 1) {
      return at.withFile(onnx.get(0).path(), mlmodel);
    }
    List<ArtifactInfo> models = files.stream().filter(a -> !METADATA.contains(a.path().substring(a.path().lastIndexOf('/') + 1))).toList();
    if (models.size() == 1) {
      return at.withFile(models.get(0).path(), mlmodel);
    }
    throw MlflowError.invalid("source", source, "is a directory without exactly one model file (found " + models.size()
        + " beside MLflow's metadata files)");
  }

  /** The signature the MLmodel file's column names and the classes tag give, if either does. */
  java.util.Optional<ModelSignature> signature(Source s, String classes) {
    ModelSignature sig = ModelSignature.NONE;
    if (!s.mlmodel().isEmpty()) {
      try (java.io.InputStream in = artifacts.open(s.owner(), s.mlmodel())) {
        sig = MlmodelFile.signature(new String(in.readNBytes(1 << 20), java.nio.charset.StandardCharsets.UTF_8)).orElse(sig);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException("cannot read " + s.mlmodel() + " of " + s.owner(), e);
      }
    }
    if (classes != null && !classes.isBlank()) {
      sig = new ModelSignature(sig.inputs(), java.util.Arrays.stream(classes.split(",")).map(String::strip).toList(), sig.inputExample());
    }
    return sig.equals(ModelSignature.NONE) ? java.util.Optional.empty() : java.util.Optional.of(sig);
  }

  private List<ArtifactInfo> list(Source at, String source) {
    List<ArtifactInfo> children = artifacts.list(at.owner(), "");
    if (children.isEmpty() && !at.ofRun()) {
      throw MlflowError.notFound("the logged model " + at.owner() + " that " + source + " names has no files");
    }
    return children;
  }

  private List<ArtifactInfo> listIfDirectory(String runId, String path) {
    try {
      artifacts.info(runId, path);
      return null;
    } catch (NotFoundException e) {
      List<ArtifactInfo> children = artifacts.list(runId, path);
      if (children.isEmpty()) {
        throw MlflowError.notFound("no artifact '" + path + "' in run " + runId);
      }
      return children;
    }
  }
}
