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
 */
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g"})
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.SECONDS)
public class DriftCliBenchmarks {
  static final int ROWS = 1_000_000;
  Path dir;
  Path reference;
  Path current;
  Path json;

  @Setup(Level.Trial)
  public void write() throws IOException {
    dir = Files.createTempDirectory("drift-cli-bench");
    reference = dir.resolve("reference.csv");
    current = dir.resolve("current.csv");
    json = dir.resolve("report.json");
    write(reference, 1, 0);
    write(current, 2, 0.05);
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
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  /** Reads both files, tests every column and writes the JSON report; returns the exit code (0: no dataset drift, 1 with drift). */
  @Benchmark
  public int driftOfTwoMillionRowFiles() {
    PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
    int code = DriftCli.run(new String[] {"drift", "--reference", reference.toString(), "--current", current.toString(), "--json",
        json.toString()}, quiet, quiet);
    if (code == 2) {
      throw new IllegalStateException("the drift command refused the input");
    }
    return code;
  }
}
