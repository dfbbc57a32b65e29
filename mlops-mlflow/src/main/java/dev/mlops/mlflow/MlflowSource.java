package dev.mlops.mlflow;

import dev.mlops.api.InvalidArgumentException;
import dev.mlops.api.tracking.DatasetInput;
import dev.mlops.api.tracking.Experiment;
import dev.mlops.api.tracking.Metric;
import dev.mlops.api.tracking.RunInfo;
import dev.mlops.api.tracking.RunStatus;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * An existing MLflow store read for import: MLflow's {@code mlruns/} file store
 * ({@link FileMlflowSource}) or its SQLAlchemy database, SQLite or PostgreSQL
 * ({@link SqlMlflowSource}). Read-only: nothing in the source is changed.
 */
interface MlflowSource extends AutoCloseable {

  /** The source's location, secrets masked, for reports. */
  String describe();

  /** Every experiment, deleted ones included, with their tags; ids and times as MLflow keeps them. */
  List<Experiment> experiments();

  /** Every run of an experiment, deleted ones included, with params and tags. */
  List<SourceRun> runs(String experimentId);

  /** Every metric point of a run, each key's history in the order MLflow returns it. */
  List<Metric> metrics(SourceRun run);

  /** The run's dataset inputs, mapped as the server maps {@code log-inputs} ({@link Datasets}). */
  List<DatasetInput> inputs(SourceRun run);

  /** The local directory holding the run's artifacts, when it is reachable from here. */
  Optional<Path> artifactDir(SourceRun run);

  /** Every registered model with its versions (versions MLflow deleted are left out). */
  List<SourceModel> models();

  @Override
  void close();

  /** A run as MLflow keeps it. */
  record SourceRun(RunInfo info, Map<String, String> params, Map<String, String> tags) {
    String id() {
      return info.runId();
    }
  }

  /** A registered model: its aliases map alias to MLflow's version number. */
  record SourceModel(String name, String description, long creationTime, long lastUpdatedTime, Map<String, String> tags,
      Map<String, Integer> aliases, List<SourceVersion> versions) {}

  /** A model version: {@code stage} is MLflow's {@code current_stage} (None, Staging, Production, Archived). */
  record SourceVersion(int version, String source, String runId, String stage, String description, Map<String, String> tags,
      String storageLocation) {}

  /**
   * Opens a source: {@code sqlite:/ABSOLUTE/PATH}, or MLflow's own (SQLAlchemy's) form
   * {@code sqlite:///RELATIVE/PATH} or {@code sqlite:////ABSOLUTE/PATH}, a
   * PostgreSQL database as MLflow names it ({@code postgresql://USER:PASSWORD@HOST:PORT/DB}) or as a
   * JDBC URL ({@code jdbc:postgresql://...}), or a file store: {@code file:/PATH/mlruns} or a plain
   * path to an {@code mlruns} directory. {@code artifactRoot}, if given, is where a database store's
   * artifact root is now: a run whose {@code artifact_uri} cannot be read from here has its artifacts
   * read from {@code ARTIFACT_ROOT/EXPERIMENT_ID/RUN_ID/artifacts} (the layout of MLflow's default
   * artifact root, {@code ./mlruns}), if that directory exists.
   *
   * @throws InvalidArgumentException if the URI names no source this importer reads (the message
   *     names the value and the accepted forms), or the file or directory does not exist
   */
  static MlflowSource open(String uri, @Nullable Path artifactRoot) {
    String u = uri.strip();
    String lower = u.toLowerCase(Locale.ROOT);
    if (lower.startsWith("sqlite:") || lower.startsWith("jdbc:sqlite:")) {
      String rest = u.substring(u.indexOf("sqlite:") + "sqlite:".length());
      // SQLAlchemy's form: sqlite:///relative.db, sqlite:////absolute.db; and the plain sqlite:/absolute.db
      Path db = Path.of(rest.startsWith("//") ? rest.substring(3) : rest);
      if (!Files.isRegularFile(db)) {
        throw InvalidArgumentException.of("from", uri, "names no SQLite file (" + db.toAbsolutePath() + " does not exist)");
      }
      return SqlMlflowSource.sqlite(db, artifactRoot);
    }
    if (lower.startsWith("postgresql") || lower.startsWith("postgres:") || lower.startsWith("jdbc:postgresql:")) {
      return SqlMlflowSource.postgres(jdbcPostgres(u), artifactRoot);
    }
    if (lower.startsWith("mysql") || lower.startsWith("mssql") || lower.startsWith("databricks")) {
      throw InvalidArgumentException.of("from", uri, "is a store this importer does not read; it reads sqlite:, postgresql:// and file: stores");
    }
    Path dir = !lower.startsWith("file:") ? Path.of(u) : u.startsWith("file:/") ? Path.of(URI.create(u)) : Path.of(u.substring("file:".length()));
    if (!Files.isDirectory(dir)) {
      throw InvalidArgumentException.of("from", uri, "is not an MLflow store: use sqlite:/PATH/mlflow.db, postgresql://USER:PASSWORD@HOST/DB"
          + " or file:/PATH/mlruns (an existing directory)");
    }
    return new FileMlflowSource(dir);
  }

  /** MLflow's {@code postgresql[+driver]://USER:PASSWORD@HOST:PORT/DB} as a JDBC URL; a JDBC URL stays as it is. */
  static String jdbcPostgres(String uri) {
    if (uri.startsWith("jdbc:")) {
      return uri;
    }
    URI parsed = URI.create(uri.replaceFirst("^[A-Za-z0-9+]+://", "postgresql://"));
    StringBuilder jdbc = new StringBuilder("jdbc:postgresql://").append(parsed.getHost());
    if (parsed.getPort() > 0) {
      jdbc.append(':').append(parsed.getPort());
    }
    jdbc.append(parsed.getRawPath());
    String sep = "?";
    if (parsed.getRawQuery() != null) {
      jdbc.append('?').append(parsed.getRawQuery());
      sep = "&";
    }
    String info = parsed.getRawUserInfo();
    if (info != null) {
      String[] up = info.split(":", 2);
      jdbc.append(sep).append("user=").append(up[0]);
      if (up.length > 1) {
        jdbc.append("&password=").append(up[1]);
      }
    }
    return jdbc.toString();
  }

  /** The source's location with any password replaced by {@code ***}. */
  static String mask(String uri) {
    return uri.replaceAll("(password=)[^&]*", "$1***").replaceAll("(//[^:/@]+:)[^@]*@", "$1***@");
  }

  /** MLflow's run status by name; {@code SCHEDULED}, which this library has not, reads as {@code RUNNING}. */
  static RunStatus status(@Nullable String name) {
    if (name == null || name.isEmpty() || name.equalsIgnoreCase("SCHEDULED")) {
      return RunStatus.RUNNING;
    }
    return RunStatus.valueOf(name.toUpperCase(Locale.ROOT));
  }

  /** A {@code file:} URI or a plain path as a local path, when it names one. */
  static Optional<Path> localPath(@Nullable String location) {
    if (location == null || location.isEmpty()) {
      return Optional.empty();
    }
    try {
      if (location.startsWith("file:")) {
        return Optional.of(Path.of(URI.create(location)));
      }
      if (location.startsWith("/")) {
        return Optional.of(Path.of(location));
      }
    } catch (IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
      return Optional.empty();
    }
    return Optional.empty();
  }
}
