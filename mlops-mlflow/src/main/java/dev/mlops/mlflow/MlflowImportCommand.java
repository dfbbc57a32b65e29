package dev.mlops.mlflow;

import dev.mlops.api.MlopsException;
import java.io.PrintStream;
import java.io.UncheckedIOException;

/**
 * The command line of the importer, {@code mlops-mlflow import --from SOURCE --storage URI
 * [--artifacts DIR] [--dry-run]}: reads the MLflow store, writes into the library's store (see {@link MlflowImporter})
 * and prints the report.
 */
final class MlflowImportCommand {
  static final String USAGE = String.join("\n",
      "usage: mlops-mlflow import --from SOURCE --storage URI [--artifacts DIR] [--dry-run]",
      "  --from SOURCE   the MLflow store: sqlite:/PATH/mlflow.db, postgresql://USER:PASSWORD@HOST:PORT/DB,",
      "                  jdbc:postgresql://..., or file:/PATH/mlruns (a file store; a plain path works too)",
      "  --storage URI   this library's store: file:./mlops (created when absent), jdbc:postgresql://... (required)",
      "  --artifacts DIR where a database store's artifacts are now, when its runs' artifact_uri no longer",
      "                  points there: DIR/EXPERIMENT_ID/RUN_ID/artifacts (MLflow's ./mlruns beside mlflow.db)",
      "  --dry-run       read the source and print what would be imported; write nothing",
      "  --help          this text",
      "A second import of the same store changes nothing; an interrupted one is completed by running it again.",
      "example: mlops-mlflow import --from sqlite:/home/me/mlflow.db --storage file:./mlops");

  private MlflowImportCommand() {}

  /** Runs the import; the exit status: 0 done (the report lists what was left out), 2 bad arguments or a failure. */
  static int run(String[] args, PrintStream out, PrintStream err) {
    MlflowImporter.Builder b = MlflowImporter.builder();
    boolean storage = false;
    boolean from = false;
    try {
      for (int i = 0; i < args.length; i++) {
        String flag = args[i];
        switch (flag) {
          case "--help", "-h" -> {
            out.println(USAGE);
            return 0;
          }
          case "--dry-run" -> b.dryRun(true);
          case "--from", "--storage", "--artifacts" -> {
            if (i + 1 >= args.length) {
              throw new IllegalArgumentException("option " + flag + " needs a value");
            }
            String value = args[++i];
            if (flag.equals("--from")) {
              b.from(value);
              from = true;
            } else if (flag.equals("--artifacts")) {
              b.artifactRoot(java.nio.file.Path.of(value));
            } else {
              b.storage(value);
              storage = true;
            }
          }
          default -> {
            if (flag.startsWith("-") || from) {
              throw new IllegalArgumentException("unknown option " + flag);
            }
            b.from(flag);
            from = true;
          }
        }
      }
      if (!from || !storage) {
        throw new IllegalArgumentException((from ? "--storage" : "--from") + " is required");
      }
      MlflowImporter.Report report = b.build().run();
      out.print(report.summary());
      return 0;
    } catch (IllegalArgumentException | MlopsException | UncheckedIOException e) {
      err.println("error: " + e.getMessage());
      err.println(USAGE);
      return 2;
    }
  }
}
