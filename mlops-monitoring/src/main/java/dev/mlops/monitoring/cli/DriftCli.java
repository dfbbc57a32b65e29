package dev.mlops.monitoring.cli;

import dev.mlops.api.InvalidArgumentException;
import dev.mlops.api.MlopsException;
import dev.mlops.monitoring.Table;
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
import java.util.Set;

/**
 * The command line:
 *
 * <pre>
 * java -jar mlops-monitoring-cli.jar drift --reference REF.csv --current CUR.csv
 *     [--json FILE] [--html FILE] [--test NAME] [--threshold X] [--columns a,b]
 *     [--categorical a,b] [--exclude a,b] [--bins N] [--correction none|bonferroni|bh]
 * </pre>
 *
 * Prints the JSON report on standard output unless {@code --json} is given. Exit code 0 on
 * success (drift or not), 2 on bad input with one message on standard error.
 */
public final class DriftCli {
  static final String USAGE = "usage: drift --reference REF.csv --current CUR.csv [--json FILE] [--html FILE] [--test NAME]"
      + " [--threshold X] [--columns a,b] [--categorical a,b] [--exclude a,b] [--bins N] [--correction none|bonferroni|bh]";

  private DriftCli() {}

  public static void main(String[] args) {
    int code = run(args, System.out, System.err);
    if (code != 0) {
      System.exit(code);
    }
  }

  /** Runs the command; returns the exit code. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    try {
      if (args.length == 0 || !args[0].equals("drift")) {
        throw new InvalidArgumentException(args.length == 0 ? "no command given; " + USAGE : "unknown command '" + args[0] + "'; " + USAGE);
      }
      Path reference = null;
      Path current = null;
      Path json = null;
      Path html = null;
      Set<String> categorical = new LinkedHashSet<>();
      DriftOptions.Builder options = DriftOptions.builder();
      for (int i = 1; i < args.length; i++) {
        String flag = args[i];
        if (i + 1 >= args.length) {
          throw new InvalidArgumentException("option " + flag + " needs a value; " + USAGE);
        }
        String value = args[++i];
        switch (flag) {
          case "--reference" -> reference = Path.of(value);
          case "--current" -> current = Path.of(value);
          case "--json" -> json = Path.of(value);
          case "--html" -> html = Path.of(value);
          case "--test" -> options.test(DriftTest.byId(value));
          case "--threshold" -> options.threshold(parseDouble("--threshold", value));
          case "--columns" -> options.columns(list(value));
          case "--categorical" -> categorical.addAll(list(value));
          case "--exclude" -> options.exclude(list(value));
          case "--bins" -> options.bins(parseInt("--bins", value));
          case "--correction" -> options.correction(Correction.parse(value));
          default -> throw new InvalidArgumentException("unknown option " + flag + "; " + USAGE);
        }
      }
      if (reference == null || current == null) {
        throw new InvalidArgumentException("--reference and --current are required; " + USAGE);
      }
      Table ref = Table.readCsv(reference, categorical);
      Table cur = Table.readCsv(current, categorical);
      for (String c : categorical) {
        ref.column(c);
      }
      DriftReport report = DriftAnalyzer.compare(ref, cur, options.build());
      String text = ReportJson.of(report);
      if (json != null) {
        Files.writeString(json, text, StandardCharsets.UTF_8);
      } else {
        out.println(text);
      }
      if (html != null) {
        Files.writeString(html, HtmlReport.render(report, "Drift report: " + current.getFileName() + " vs " + reference.getFileName()),
            StandardCharsets.UTF_8);
      }
      return 0;
    } catch (MlopsException e) {
      err.println("error: " + e.getMessage());
      return 2;
    } catch (IOException e) {
      err.println("error: cannot write the report: " + e.getMessage());
      return 2;
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
