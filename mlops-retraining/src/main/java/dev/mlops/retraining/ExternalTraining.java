package dev.mlops.retraining;

import dev.mlops.api.InvalidArgumentException;
import dev.mlops.api.internal.Digests;
import dev.mlops.api.internal.Validation;
import dev.mlops.registry.ModelRegistry;
import dev.mlops.tracking.ActiveRun;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.tribuo.Dataset;
import org.tribuo.Model;
import org.tribuo.Output;

/**
 * Trains a challenger with an external process, a Python script for example. For each retraining it
 * makes a fresh directory ({@code retraining-ID} under {@link Builder#directory}, a temporary
 * directory by default), writes the training and held-out rows there as {@code train.csv} and
 * {@code holdout.csv} with {@code manifest.json} (see README, "Retraining with an external
 * process"), runs the command in that directory with standard input closed and standard output and
 * error in {@code stdout.log} and {@code stderr.log}, and hands the model file the process wrote to
 * its {@link Reader} ({@code mlops-onnx}'s {@code OnnxRetraining} reads ONNX files). Arguments may
 * name {@code {dir}}, {@code {manifest}}, {@code {train}}, {@code {holdout}} and {@code {output}},
 * replaced by absolute paths; the environment has {@code MLOPS_DIR}, {@code MLOPS_MANIFEST} and
 * {@code MLOPS_OUTPUT} too.
 *
 * <p>The retraining's run records the command, the exit status, the duration, the last bytes of
 * standard error (bounded by {@link Builder#stderrTail}), the SHA-256 of both data files and of the
 * model file. A process that cannot start, exits non-zero, runs past {@link Builder#timeout} (its
 * whole process tree is then killed) or writes no readable model fails the retraining with an
 * {@link ExternalTrainingException} saying why; the champion stays. The directory is left in place
 * for inspection. Thread-safe: each retraining has its own directory.
 *
 * @param <T> the models' output type
 */
public final class ExternalTraining<T extends Output<T>> implements Training<T> {
  private final List<String> command;
  private final @Nullable Path directory;
  private final Map<String, String> environment;
  private final Duration timeout;
  private final String output;
  private final String label;
  private final int stderrTail;
  private final Reader<T> reader;
  private final @Nullable ModelRegistry championRegistry;
  private final @Nullable String championModel;

  /** Reads the model file a process wrote into a model the loop can evaluate and register. */
  @FunctionalInterface
  public interface Reader<T extends Output<T>> {
    /**
     * The challenger in {@code file}; throwing fails the retraining with the exception's message.
     *
     * @param train the rows the process trained on, whose features and outputs the model is to know
     */
    Model<T> read(Path file, Dataset<T> train) throws Exception;
  }

  private ExternalTraining(Builder<T> b) {
    this.command = List.copyOf(b.command);
    this.directory = b.directory;
    this.environment = Map.copyOf(b.environment);
    this.timeout = b.timeout;
    this.output = b.output;
    this.label = b.label;
    this.stderrTail = b.stderrTail;
    this.reader = b.reader;
    this.championRegistry = b.championRegistry;
    this.championModel = b.championModel;
  }

  /** A builder; {@code reader} reads what the process wrote. */
  public static <T extends Output<T>> Builder<T> builder(Reader<T> reader) {
    return new Builder<>(Validation.notNull("reader", reader));
  }

  /**
   * Trains outside a loop (to try a training command, say): the process gets the training rows and an
   * empty {@code holdout.csv}, and what the loop would record on the retraining's run goes to a scratch
   * run in an in-memory store, discarded when this returns (the files stay in the working directory).
   * A loop calls the four-argument form.
   */
  @Override
  public Model<T> train(Dataset<T> train, RetrainingContext context) throws Exception {
    Validation.notNull("train", train);
    Validation.notNull("context", context);
    Dataset<T> noHoldout = new org.tribuo.MutableDataset<>(train.getProvenance(), train.getOutputFactory());
    try (dev.mlops.tracking.Tracker scratch = dev.mlops.tracking.Tracker.builder()
        .storage("mem:external-training-" + java.util.UUID.randomUUID()).build();
        ActiveRun run = scratch.newRun().experiment("external-training").name("external-training").start()) {
      return train(train, noHoldout, context, run);
    }
  }

  @Override
  public Model<T> train(Dataset<T> train, Dataset<T> holdout, RetrainingContext context, ActiveRun run) throws Exception {
    Path base = directory != null ? Files.createDirectories(directory) : Files.createTempDirectory("mlops-external-training-");
    // one directory under base whatever the id holds (a context made by hand may carry any text)
    Path dir = freshDirectory(base, "retraining-" + Outcomes.truncate(context.retrainingId().replaceAll("[^A-Za-z0-9._-]", "_"), 100));
    String championFile = writeChampion(dir, context);
    TrainingFiles.Written files = TrainingFiles.write(dir, label, train, holdout, context, output, championFile);
    Path out = dir.resolve(output);
    List<String> argv = new ArrayList<>();
    for (String arg : command) {
      argv.add(arg.replace("{dir}", dir.toString()).replace("{manifest}", files.manifest().toString())
          .replace("{train}", files.train().path().toString()).replace("{holdout}", files.holdout().path().toString())
          .replace("{output}", out.toString()));
    }
    Map<String, Object> params = new LinkedHashMap<>();
    String commandJson = TrainingFiles.json(argv);
    params.put("external.command", middle(commandJson, 500));
    params.put("external.timeout_ms", timeout.toMillis());
    params.put("external.directory", Outcomes.truncate(dir.toString(), 500));
    run.logParams(params);
    run.setTag("mlops.external.train_sha256", files.train().sha256());
    run.setTag("mlops.external.holdout_sha256", files.holdout().sha256());
    run.logText("external/manifest.json", TrainingFiles.json(files.manifestJson()));
    run.logText("external/command.json", commandJson);
    String status = runProcess(argv, dir, files, out, run);
    if (!Files.isRegularFile(out)) {
      run.setTag("mlops.external.outcome", "no model file");
      throw new ExternalTrainingException("the training process " + status + " but wrote no model file " + out);
    }
    String modelSha = Digests.hex(digest(out));
    run.setTag("mlops.external.model_sha256", modelSha);
    try {
      Model<T> model = reader.read(out, train);
      if (model == null) {
        throw new IllegalStateException("the reader returned no model");
      }
      run.setTag("mlops.external.outcome", "model read");
      return model;
    } catch (Exception e) {
      run.setTag("mlops.external.outcome", "unreadable model file");
      throw new ExternalTrainingException("the model file " + out + " the training process wrote (" + Files.size(out) + " bytes, sha256 "
          + modelSha + ") could not be read: " + e.getMessage(), e);
    }
  }

  /** Runs the process to its end or its timeout; returns how it ended ("exited with status 0 after N ms"), or throws. */
  private String runProcess(List<String> argv, Path dir, TrainingFiles.Written files, Path out, ActiveRun run) throws InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(argv).directory(dir.toFile())
        .redirectOutput(dir.resolve("stdout.log").toFile()).redirectError(dir.resolve("stderr.log").toFile());
    pb.environment().putAll(environment);
    pb.environment().put("MLOPS_DIR", dir.toString());
    pb.environment().put("MLOPS_MANIFEST", files.manifest().toString());
    pb.environment().put("MLOPS_OUTPUT", out.toString());
    long start = System.nanoTime();
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      run.setTag("mlops.external.exit_status", "not started");
      throw new ExternalTrainingException("the training process " + argv + " could not start: " + e.getMessage(), e);
    }
    try {
      p.getOutputStream().close();
    } catch (IOException e) {
      // a process that has already exited took no input
    }
    boolean ended;
    try {
      ended = p.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      killTree(p);
      throw e;
    }
    if (!ended) {
      killTree(p);
    }
    long millis = (System.nanoTime() - start) / 1_000_000;
    String tail = tail(dir.resolve("stderr.log"));
    run.setTag("mlops.external.duration_ms", Long.toString(millis));
    run.logMetric("external.duration_ms", millis);
    run.logText("external/stderr-tail.txt", tail);
    run.setTag("mlops.external.stderr_tail", Outcomes.truncate(tail, 500));
    if (!ended) {
      run.setTag("mlops.external.exit_status", "killed after its timeout");
      run.setTag("mlops.external.outcome", "timed out");
      throw new ExternalTrainingException("the training process ran past its timeout of " + timeout.toMillis()
          + " ms and was killed with its child processes" + ends(tail));
    }
    int exit = p.exitValue();
    run.setTag("mlops.external.exit_status", Integer.toString(exit));
    if (exit != 0) {
      run.setTag("mlops.external.outcome", "failed");
      throw new ExternalTrainingException("the training process exited with status " + exit + " after " + millis + " ms" + ends(tail));
    }
    return "exited with status 0 after " + millis + " ms";
  }

  /** {@code base/name}, or {@code base/name-2}, ... when a directory of that name is left from an earlier attempt. */
  private static Path freshDirectory(Path base, String name) throws IOException {
    for (int i = 1; ; i++) {
      try {
        return Files.createDirectory(base.resolve(i == 1 ? name : name + "-" + i)).toAbsolutePath();
      } catch (java.nio.file.FileAlreadyExistsException e) {
        // left by an earlier attempt: the next name
      }
    }
  }

  /** A long command (a classpath) keeps its start and its end, where the program's own arguments are. */
  private static String middle(String s, int max) {
    if (s.length() <= max) {
      return s;
    }
    int half = (max - 5) / 2;
    return s.substring(0, half) + " ... " + s.substring(s.length() - half);
  }

  private static String ends(String tail) {
    return tail.isBlank() ? "; its standard error is empty" : "; its standard error ends: " + Outcomes.truncate(tail.strip(), 300);
  }

  /** Kills the process and every process it started, children first captured while the parent still holds them. */
  private static void killTree(Process p) throws InterruptedException {
    List<ProcessHandle> tree = p.descendants().toList();
    p.destroyForcibly();
    tree.forEach(ProcessHandle::destroyForcibly);
    p.waitFor();
  }

  /** The last {@code stderrTail} bytes of standard error, decoded as UTF-8 (a cut character is replaced). */
  private String tail(Path file) {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
      long len = f.length();
      int n = (int) Math.min(len, stderrTail);
      byte[] b = new byte[n];
      f.seek(len - n);
      f.readFully(b);
      return new String(b, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(standard error unreadable: " + e.getMessage() + ")";
    }
  }

  private @Nullable String writeChampion(Path dir, RetrainingContext context) throws IOException {
    if (championRegistry == null || championModel == null || context.championVersion().isEmpty()) {
      return null;
    }
    int version = context.championVersion().getAsInt();
    Path f = dir.resolve("champion.model");
    Files.write(f, championRegistry.bytes(championModel, version));
    return f.getFileName().toString();
  }

  private static java.security.MessageDigest digest(Path file) throws IOException {
    java.security.MessageDigest md = Digests.newSha256();
    try (java.io.InputStream in = new java.security.DigestInputStream(Files.newInputStream(file), md)) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
    }
    return md;
  }

  /** Configures an {@link ExternalTraining}; each setter checks its value at once. */
  public static final class Builder<T extends Output<T>> {
    private final Reader<T> reader;
    private List<String> command = List.of();
    private @Nullable Path directory;
    private final Map<String, String> environment = new LinkedHashMap<>();
    private Duration timeout = Duration.ofHours(1);
    private String output = "model.onnx";
    private String label = "label";
    private int stderrTail = 4096;
    private @Nullable ModelRegistry championRegistry;
    private @Nullable String championModel;

    private Builder(Reader<T> reader) {
      this.reader = reader;
    }

    /** The program and its arguments, run without a shell (required). */
    public Builder<T> command(List<String> argv) {
      Validation.notNull("command", argv);
      if (argv.isEmpty() || argv.stream().anyMatch(a -> a == null || a.indexOf('\0') >= 0) || argv.get(0).isBlank()) {
        throw InvalidArgumentException.of("command", argv, "must be a program followed by its arguments, none null or holding NUL");
      }
      this.command = List.copyOf(argv);
      return this;
    }

    /** The program and its arguments. */
    public Builder<T> command(String... argv) {
      return command(List.of(Validation.notNull("command", argv)));
    }

    /** Where each retraining's directory is made (default: a new temporary directory each time). */
    public Builder<T> directory(Path dir) {
      this.directory = Validation.notNull("directory", dir);
      return this;
    }

    /** A variable added to the process's environment (which otherwise is this process's). */
    public Builder<T> environment(String name, String value) {
      Validation.notNull("environment value", value);
      if (name == null || name.isEmpty() || name.indexOf('=') >= 0 || name.indexOf('\0') >= 0 || value.indexOf('\0') >= 0) {
        throw InvalidArgumentException.of("environment name", name, "must be non-empty without '=' or NUL, its value without NUL");
      }
      environment.put(name, value);
      return this;
    }

    /** How long the process may run before its process tree is killed (default one hour). */
    public Builder<T> timeout(Duration timeout) {
      Validation.notNull("timeout", timeout);
      if (timeout.isNegative() || timeout.isZero()) {
        throw InvalidArgumentException.of("timeout", timeout, "must be positive");
      }
      this.timeout = timeout;
      return this;
    }

    /** The model file's name in the retraining's directory (default {@code model.onnx}). */
    public Builder<T> output(String fileName) {
      Validation.notNull("output", fileName);
      if (fileName.isBlank() || fileName.contains("/") || fileName.contains("\\") || fileName.equals(".") || fileName.equals("..")
          || fileName.indexOf('\0') >= 0) {
        throw InvalidArgumentException.of("output", fileName, "must be a plain file name inside the retraining's directory");
      }
      this.output = fileName;
      return this;
    }

    /** The label column's name in the CSV files (default {@code label}). */
    public Builder<T> labelColumn(String name) {
      Validation.notNull("label column", name);
      if (name.isBlank()) {
        throw InvalidArgumentException.of("label column", name, "must not be blank");
      }
      this.label = name;
      return this;
    }

    /** How many of the last bytes of standard error are recorded (default 4096, at most 1 MiB). */
    public Builder<T> stderrTail(int bytes) {
      if (bytes < 0 || bytes > (1 << 20)) {
        throw InvalidArgumentException.of("stderrTail", bytes, "must be in [0, 1048576]");
      }
      this.stderrTail = bytes;
      return this;
    }

    /** Writes the champion's model file (verified bytes of its version) as {@code champion.model} for the process. */
    public Builder<T> champion(ModelRegistry registry, String model) {
      this.championRegistry = Validation.notNull("registry", registry);
      this.championModel = Validation.key("model", model);
      return this;
    }

    /** The training. */
    public ExternalTraining<T> build() {
      if (command.isEmpty()) {
        throw InvalidArgumentException.of("command", command, "is required");
      }
      return new ExternalTraining<>(this);
    }
  }
}
