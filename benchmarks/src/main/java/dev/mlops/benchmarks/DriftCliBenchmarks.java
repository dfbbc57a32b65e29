package dev.mlops.benchmarks;

import dev.mlops.monitoring.cli.DriftCli;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The drift command line end to end on two 1,000,000-row CSV files (6 numerical columns, one of
 * them drifting, 2 categorical ones, a few {@code NA} cells): both files read, every column
 * tested, the JSON report written. The fork's heap is capped at 1 GB, so a run that needed more
 * would fail with OutOfMemoryError instead of reporting a time. Target: under 10 s.
 *
 * <p>The outsider's shape ({@link Numeric}): two 1,000,000-row files of 10 numerical columns with
 * six decimals, {@code drift --test ks --json}, timed as a whole process ({@code java -cp
 * benchmarks.jar dev.mlops.monitoring.cli.DriftCli}, no heap flag, JVM start included:
 * {@link #cliProcessTenNumericColumns}) beside pandas' {@code read_csv} and SciPy's
 * {@code ks_2samp} on every column in a {@code python3} process ({@link #pandasScipyBaseline}; it
 * fails when python3 lacks pandas or SciPy). {@code -p busy=true} runs both with another process
 * keeping one core busy ({@link BusyCore}).
 */
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g"})
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.SECONDS)
public class DriftCliBenchmarks {
  static final int ROWS = 1_000_000;
  CsvPair files;

  /** A file writer: the file, its random seed, the shift of its drifting columns. */
  @FunctionalInterface
  interface CsvWriter {
    void write(Path file, long seed, double shift) throws IOException;
  }

  /** A reference file (seed 1), a current one (seed 2, shifted by 0.05) and where the report goes, in a new directory. */
  record CsvPair(Path dir, Path reference, Path current, Path json) {
    static CsvPair write(String prefix, CsvWriter writer) throws IOException {
      Path dir = Files.createTempDirectory(prefix);
      CsvPair f = new CsvPair(dir, dir.resolve("reference.csv"), dir.resolve("current.csv"), dir.resolve("report.json"));
      writer.write(f.reference, 1, 0);
      writer.write(f.current, 2, 0.05);
      return f;
    }
  }

  @Setup(Level.Trial)
  public void write() throws IOException {
    files = CsvPair.write("drift-cli-bench", DriftCliBenchmarks::write);
  }

  private static void write(Path file, long seed, double shift) throws IOException {
    Random r = new Random(seed);
    String[] channels = {"web", "app", "shop", "phone", "partner"};
    String[] regions = {"eu", "us", "apac"};
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      w.write("amount,age,tenure,score,calls,balance,channel,region\n");
      for (int i = 0; i < ROWS; i++) {
        w.write(String.format(Locale.ROOT, "%.2f,%d,%d,%.4f,%d,%s,%s,%s%n", 50 + 20 * r.nextGaussian() + shift * 20, 18 + r.nextInt(60),
            r.nextInt(120), r.nextDouble(), r.nextInt(8), i % 997 == 0 ? "NA" : String.format(Locale.ROOT, "%.2f", 1000 * r.nextGaussian()),
            channels[r.nextInt(channels.length)], regions[r.nextInt(regions.length)]));
      }
    }
  }

  @TearDown(Level.Trial)
  public void delete() throws IOException {
    delete(files.dir());
  }

  static void delete(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  /** Two files of 10 numerical columns with six decimals (normal values, two columns shifted in the current file). */
  @State(Scope.Benchmark)
  public static class Numeric {
    /** Whether another process keeps one core busy meanwhile. */
    @Param({"false", "true"})
    public boolean busy;

    /** The Python with pandas and SciPy ({@code -p python=/usr/bin/python3} where another one comes first on the PATH). */
    @Param({"python3"})
    public String python;

    CsvPair files;
    Process spinner;

    @Setup(Level.Trial)
    public void write() throws IOException {
      files = CsvPair.write("drift-cli-numeric", DriftCliBenchmarks::writeNumeric);
      spinner = BusyCore.start(busy);
    }

    @TearDown(Level.Trial)
    public void delete() throws IOException, InterruptedException {
      BusyCore.stop(spinner);
      DriftCliBenchmarks.delete(files.dir());
    }
  }

  private static void writeNumeric(Path file, long seed, double shift) throws IOException {
    Random r = new Random(seed);
    StringBuilder line = new StringBuilder(128);
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      w.write("c0,c1,c2,c3,c4,c5,c6,c7,c8,c9\n");
      for (int i = 0; i < ROWS; i++) {
        line.setLength(0);
        for (int j = 0; j < 10; j++) {
          double v = 50 + 10 * j + (5 + j) * r.nextGaussian() + (j == 2 || j == 7 ? shift : 0);
          long micro = Math.round(v * 1_000_000);  // six decimals, as numpy's '%.6f' writes them
          line.append(j == 0 ? "" : ",").append(micro < 0 ? "-" : "").append(Math.abs(micro) / 1_000_000).append('.');
          String frac = Long.toString(Math.abs(micro) % 1_000_000);
          line.append("000000", frac.length(), 6).append(frac);
        }
        w.append(line).append('\n');
      }
    }
  }

  private static int runProcess(List<String> command, Path dir) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(dir.resolve("process.log").toFile()).start();
    int code = p.waitFor();
    if (code != 0 && code != 1) {
      throw new IllegalStateException(String.join(" ", command) + " exited with " + code + ": " + Files.readString(dir.resolve("process.log")));
    }
    return code;
  }

  /** The drift command line as a user runs it: its own JVM, no heap flag, {@code --test ks --json}. */
  @Benchmark
  public int cliProcessTenNumericColumns(Numeric s) throws IOException, InterruptedException {
    return runProcess(List.of(BusyCore.javaCommand(), "-cp", System.getProperty("java.class.path"), "dev.mlops.monitoring.cli.DriftCli", "drift",
        "--reference", s.files.reference().toString(), "--current", s.files.current().toString(), "--test", "ks", "--json",
        s.files.json().toString()), s.files.dir());
  }

  /** pandas' {@code read_csv} of both files and SciPy's {@code ks_2samp} on every column, JSON written, in a python3 process. */
  @Benchmark
  public int pandasScipyBaseline(Numeric s) throws IOException, InterruptedException {
    String script = String.join("\n", "import sys, json, pandas as pd", "from scipy.stats import ks_2samp",
        "ref = pd.read_csv(sys.argv[1]); cur = pd.read_csv(sys.argv[2])",
        "out = [dict(name=c, statistic=float(r.statistic), pValue=float(r.pvalue)) for c in ref.columns"
            + " for r in [ks_2samp(ref[c].dropna().to_numpy(), cur[c].dropna().to_numpy())]]",
        "json.dump(dict(columns=out), open(sys.argv[3], 'w'))");
    return runProcess(List.of(s.python, "-c", script, s.files.reference().toString(), s.files.current().toString(),
        s.files.dir().resolve("pandas.json").toString()), s.files.dir());
  }

  /** Reads both files, tests every column and writes the JSON report; returns the exit code (0: no dataset drift, 1 with drift). */
  @Benchmark
  public int driftOfTwoMillionRowFiles() {
    PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
    int code = DriftCli.run(new String[] {"drift", "--reference", files.reference().toString(), "--current", files.current().toString(),
        "--json", files.json().toString()}, quiet, quiet);
    if (code == 2) {
      throw new IllegalStateException("the drift command refused the input");
    }
    return code;
  }
}
