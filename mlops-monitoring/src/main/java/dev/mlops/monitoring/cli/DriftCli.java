package dev.mlops.monitoring.cli;

import dev.mlops.api.InvalidArgumentException;
import dev.mlops.api.MlopsException;
import dev.mlops.monitoring.data.Table;
import dev.mlops.monitoring.drift.Correction;
import dev.mlops.monitoring.drift.DriftAnalyzer;
import dev.mlops.monitoring.drift.DriftOptions;
import dev.mlops.monitoring.drift.DriftReport;
import dev.mlops.monitoring.drift.DriftTest;
import dev.mlops.monitoring.report.HtmlReport;
import dev.mlops.monitoring.report.ReportJson;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The command line:
 *
 * <pre>
 * java -jar mlops-monitoring-cli.jar drift --reference REF.csv --current CUR.csv
 *     [--json FILE] [--html FILE] [--test NAME] [--threshold X] [--columns a,b]
 *     [--categorical a,b] [--exclude a,b] [--bins N] [--correction none|bonferroni|bh]
 *     [--missing NA,NaN,null] [--fail-on-drift]
 * </pre>
 *
 * Prints the JSON report on standard output unless {@code --json} is given; when the report goes
 * to files, prints a one-line summary instead. Exit status: 0 on success (drift or not), 1 when
 * {@code --fail-on-drift} is given and the dataset drifts, 2 on bad input with one message on
 * standard error and nothing written.
 */
public final class DriftCli {
  static final String USAGE = "usage: drift --reference REF.csv --current CUR.csv [--json FILE] [--html FILE] [--test NAME]"
      + " [--threshold X] [--columns a,b] [--categorical a,b] [--exclude a,b] [--bins N] [--correction none|bonferroni|bh]"
      + " [--missing a,b] [--fail-on-drift]; run 'drift --help' for details";

  static final String MAIN_HELP = """
      mlops-monitoring command line

      usage: java -jar mlops-monitoring-cli.jar COMMAND [OPTIONS]

      commands:
        drift        compare a current CSV file with a reference CSV file, column by column

      options:
        --help, -h   this help ('drift --help' for the drift command's options)
        --version    the version

      exit status: 0 success, 1 drift found with --fail-on-drift, 2 bad input
      """;

  static final String DRIFT_HELP = """
      usage: drift --reference REF.csv --current CUR.csv [OPTIONS]

      Compares every column of CUR.csv with the same column of REF.csv (UTF-8, header row,
      RFC 4180 quoting) and prints a JSON report, or writes it to files.

      options (default in brackets):
        --reference FILE     the reference data, e.g. the training set (required)
        --current FILE       the data to check (required)
        --json FILE          write the JSON report to FILE instead of standard output
        --html FILE          also write an HTML report to FILE
        --test NAME          one test for every column it fits [chosen per column: ks or
                             chisquare/z up to 1,000 reference rows, wasserstein or
                             jensenshannon above]; numerical-only tests such as ks leave
                             categorical columns to chisquare, and say so on standard error.
                             Names: %s
        --threshold X        drift threshold: a p-value for tests, a distance otherwise
                             [the test's default]
        --columns a,b        only these columns [all]
        --exclude a,b        leave these columns out [none]
        --categorical a,b    treat these columns as categories even when they hold numbers
        --bins N             quantile bins for binned tests on numbers [10]
        --correction C       none, bonferroni or bh (Benjamini-Hochberg) [none]
        --missing a,b        cells read as missing values, ignoring case; empty cells always
                             are [NA,NaN,null]
        --fail-on-drift      exit with status 1 when the dataset drifts
        --help, -h           this help

      A cell that is not a number in a column whose other cells are numbers is an error that
      names its line, column and value: declare the column with --categorical, list the token
      with --missing, or fix the cell.

      exit status: 0 success (drift or not), 1 drift with --fail-on-drift, 2 bad input

      example:
        java -jar mlops-monitoring-cli.jar drift --reference train.csv --current today.csv \\
            --html drift.html --json drift.json --fail-on-drift
      """;

  private DriftCli() {}

  /** Runs the command line and exits with its status (0, 1 with {@code --fail-on-drift} and drift, 2 on bad input). */
  public static void main(String[] args) {
    int code = run(args, System.out, System.err);
    if (code != 0) {
      System.exit(code);
    }
  }

  /** The library's version, from the jar's Maven metadata. */
  static String version() {
    try (var in = DriftCli.class.getResourceAsStream("/META-INF/maven/dev.mlops/mlops-monitoring/pom.properties")) {
      if (in != null) {
        java.util.Properties p = new java.util.Properties();
        p.load(in);
        return p.getProperty("version", "unknown");
      }
    } catch (IOException e) {
      // fall through
    }
    String v = DriftCli.class.getPackage().getImplementationVersion();
    return v != null ? v : "unknown (not run from the released jar)";
  }

  /** Files at least this large get a progress line on stderr when the command runs on a terminal. */
  static final long PROGRESS_BYTES = 32L << 20;

  /** A progress line for a large file read on a terminal: rows so far; null otherwise. */
  private static java.util.function.@org.jspecify.annotations.Nullable LongConsumer progress(Path file, PrintStream err) {
    long size;
    try {
      size = java.nio.file.Files.size(file);
    } catch (java.io.IOException e) {
      return null; // the reader reports it
    }
    if (System.console() == null || size < PROGRESS_BYTES) {
      return null;
    }
    return rows -> {
      err.printf(java.util.Locale.ROOT, "\rreading %s: %,d rows", file.getFileName(), rows);
      err.flush();
    };
  }

  /** Runs the command; returns the exit code. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    try {
      if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
        out.print(MAIN_HELP);
        return 0;
      }
      if (args.length == 1 && args[0].equals("--version")) {
        out.println("mlops drift " + version());
        return 0;
      }
      if (args.length == 0 || !args[0].equals("drift")) {
        throw new InvalidArgumentException(args.length == 0 ? "no command given; " + USAGE : "unknown command '" + args[0] + "'; " + USAGE);
      }
      Path reference = null;
      Path current = null;
      Path json = null;
      Path html = null;
      boolean failOnDrift = false;
      DriftTest forced = null;
      Set<String> categorical = new LinkedHashSet<>();
      Set<String> missing = new LinkedHashSet<>(Table.DEFAULT_MISSING);
      DriftOptions.Builder options = DriftOptions.builder();
      for (int i = 1; i < args.length; i++) {
        String flag = args[i];
        if (flag.equals("--help") || flag.equals("-h")) {
          out.print(DRIFT_HELP.formatted(Arrays.stream(DriftTest.values()).map(DriftTest::id).collect(Collectors.joining(", "))));
          return 0;
        }
        if (flag.equals("--fail-on-drift")) {
          failOnDrift = true;
          continue;
        }
        if (i + 1 >= args.length) {
          throw new InvalidArgumentException("option " + flag + " needs a value; " + USAGE);
        }
        String value = args[++i];
        switch (flag) {
          case "--reference" -> reference = Path.of(value);
          case "--current" -> current = Path.of(value);
          case "--json" -> json = Path.of(value);
          case "--html" -> html = Path.of(value);
          case "--test" -> {
            forced = DriftTest.byId(value);
            options.test(forced);
          }
          case "--threshold" -> options.threshold(parseDouble("--threshold", value));
          case "--columns" -> options.columns(list(value));
          case "--categorical" -> categorical.addAll(list(value));
          case "--exclude" -> options.exclude(list(value));
          case "--bins" -> options.bins(parseInt("--bins", value));
          case "--correction" -> options.correction(Correction.parse(value));
          case "--missing" -> {
            missing.clear();
            missing.add("");
            missing.addAll(list(value));
          }
          default -> throw new InvalidArgumentException("unknown option " + flag + "; " + USAGE);
        }
      }
      if (reference == null || current == null) {
        throw new InvalidArgumentException("--reference and --current are required; " + USAGE);
      }
      checkWritable("--json", json);
      checkWritable("--html", html);
      // the two files are independent: read the reference on a second thread while this one reads the current file
      Path refFile = reference;
      java.util.concurrent.CompletableFuture<Table> refRead = java.util.concurrent.CompletableFuture.supplyAsync(
          () -> Table.readCsv(refFile, categorical, missing, progress(refFile, err)),
          runnable -> dev.mlops.api.internal.DaemonThreads.named("drift-read-reference").newThread(runnable).start());
      Table cur = null;
      RuntimeException curError = null;
      try {
        cur = Table.readCsv(current, categorical, missing, progress(current, err));
      } catch (RuntimeException e) {
        curError = e;
      }
      Table ref;
      try {
        ref = refRead.join();
      } catch (java.util.concurrent.CompletionException e) {
        if (e.getCause() instanceof RuntimeException re) {
          throw re; // the reference's problem first, as the files are named
        }
        throw e;
      }
      if (curError != null) {
        throw curError;
      }
      for (String c : categorical) {
        ref.column(c);
      }
      DriftReport report = DriftAnalyzer.compare(ref, cur, options.build());
      if (report.columns().isEmpty()) {
        throw new InvalidArgumentException(report.untested().isEmpty() ? "no column is left to compare: " + ref.columns().keySet()
            + " minus --exclude/--columns leaves none; compare at least one column" : "no column could be tested: " + report.verdict());
      }
      String text = ReportJson.of(report);
      if (json != null) {
        write("--json", json, text);
      }
      if (html != null) {
        write("--html", html, HtmlReport.render(report, "Drift report: " + current.getFileName() + " vs " + reference.getFileName()));
      }
      if (json == null) {
        out.println(text);
      } else {
        out.println(summary(report, json, html));
      }
      if (forced != null) {
        DriftTest test = forced;
        List<String> other = report.columns().stream().filter(c -> !c.test().equals(test.id())).map(c -> c.name() + " (" + c.test() + ")")
            .toList();
        if (!other.isEmpty()) {
          err.println("note: --test " + test.id() + " does not fit every column; these were tested otherwise: " + String.join(", ", other));
        }
      }
      return failOnDrift && report.datasetDrift() ? 1 : 0;
    } catch (MlopsException e) {
      err.println("error: " + e.getMessage());
      return 2;
    }
  }

  /** One line for a person: the verdict, the drifted columns, missing values and where the report went. */
  static String summary(DriftReport r, Path json, Path html) {
    List<String> drifted = r.columns().stream().filter(c -> c.drift()).map(c -> c.name()).toList();
    List<String> missing = r.columns().stream()
        .filter(c -> c.referenceCount() < r.referenceRows() || c.currentCount() < r.currentRows())
        .map(c -> c.name() + " " + (r.referenceRows() - c.referenceCount()) + "/" + (r.currentRows() - c.currentCount()))
        .toList();
    StringBuilder sb = new StringBuilder(r.datasetDrift() ? "Dataset drift: " : "No dataset drift: ")
        .append(r.driftedColumns()).append(" of ").append(r.columns().size()).append(" columns drifted");
    if (!drifted.isEmpty()) {
      sb.append(" (").append(String.join(", ", drifted)).append(')');
    }
    if (!r.untested().isEmpty()) {
      sb.append("; not tested: ").append(String.join(", ", r.untested().stream().map(u -> u.name() + " (" + u.reason() + ")").toList()));
    }
    sb.append("; ").append(r.referenceRows()).append(" reference rows, ").append(r.currentRows()).append(" current rows");
    if (!missing.isEmpty()) {
      sb.append("; missing values (reference/current): ").append(String.join(", ", missing));
    }
    sb.append("; report: ").append(json);
    if (html != null) {
      sb.append(", ").append(html);
    }
    return sb.toString();
  }

  /** Refuses an output path that cannot be written, before anything is read or written. */
  private static void checkWritable(String flag, Path file) {
    if (file == null) {
      return;
    }
    if (Files.isDirectory(file)) {
      throw InvalidArgumentException.of(flag, file, "is a directory; give a file name such as " + file.resolve(
          flag.equals("--html") ? "drift.html" : "drift.json"));
    }
    Path parent = file.toAbsolutePath().getParent();
    if (parent == null || !Files.isDirectory(parent)) {
      throw InvalidArgumentException.of(flag, file, "cannot be written: its directory " + parent + " does not exist");
    }
    if (Files.exists(file) ? !Files.isWritable(file) : !Files.isWritable(parent)) {
      throw InvalidArgumentException.of(flag, file, "cannot be written: permission denied on "
          + (Files.exists(file) ? file : parent));
    }
  }

  private static void write(String flag, Path file, String text) {
    try {
      Files.writeString(file, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw InvalidArgumentException.of(flag, file, "cannot be written: " + e);
    }
  }

  private static Set<String> list(String s) {
    Set<String> out = new LinkedHashSet<>();
    Arrays.stream(s.split(",")).map(String::strip).filter(x -> !x.isEmpty()).forEach(out::add);
    return out;
  }

  private static double parseDouble(String flag, String v) {
    try {
      return Double.parseDouble(v);
    } catch (NumberFormatException e) {
      throw InvalidArgumentException.of(flag, v, "must be a number");
    }
  }

  private static int parseInt(String flag, String v) {
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw InvalidArgumentException.of(flag, v, "must be a whole number");
    }
  }
}
