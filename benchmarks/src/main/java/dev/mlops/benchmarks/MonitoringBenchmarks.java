package dev.mlops.benchmarks;

import dev.mlops.monitoring.profile.ColumnProfile;
import dev.mlops.monitoring.profile.Profile;
import dev.mlops.monitoring.stats.TestResult;
import dev.mlops.monitoring.stats.TwoSample;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/** Monitoring throughput and latency. Run with {@code java -jar benchmarks/target/benchmarks.jar MonitoringBenchmarks}. */
@Fork(1)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 5)
public class MonitoringBenchmarks {

  /** 100,000 numbers to feed a column profile. */
  @State(Scope.Thread)
  public static class ProfileState {
    double[] values;
    ColumnProfile column;
    org.apache.datasketches.kll.KllDoublesSketch kll;

    @Setup(Level.Trial)
    public void setup() {
      Random r = new Random(1);
      values = new double[100_000];
      for (int i = 0; i < values.length; i++) {
        values[i] = r.nextGaussian() * 10 + 50;
      }
      column = new Profile().column("x");
      kll = org.apache.datasketches.kll.KllDoublesSketch.newHeapInstance(ColumnProfile.KLL_K);
    }
  }

  /** Baseline for {@link #profileUpdate}: a bare DataSketches KLL sketch of the same k updated with the same values. */
  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  @OperationsPerInvocation(100_000)
  public org.apache.datasketches.kll.KllDoublesSketch bareKllUpdate(ProfileState s) {
    double[] v = s.values;
    for (int i = 0; i < v.length; i++) {
      s.kll.update(v[i]);
    }
    return s.kll;
  }

  /** The same bare sketch fed the batch at once through KLL's vector update: the floor for a batch update. */
  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  @OperationsPerInvocation(100_000)
  public org.apache.datasketches.kll.KllDoublesSketch bareKllVectorUpdate(ProfileState s) {
    s.kll.update(s.values, 0, s.values.length);
    return s.kll;
  }

  /** Numerical values added to a profile per second (one thread, batch update). */
  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  @OperationsPerInvocation(100_000)
  public ColumnProfile profileUpdate(ProfileState s) {
    s.column.update(s.values, 0, s.values.length);
    return s.column;
  }

  /** Two samples of 1,000,000 values. */
  @State(Scope.Benchmark)
  public static class KsState {
    /** Whether another process keeps one core busy meanwhile ({@link BusyCore}): what the second sorting thread buys then. */
    @Param({"false"})
    public boolean busy;

    double[] a;
    double[] b;
    Process spinner;

    @TearDown(Level.Trial)
    public void stopSpinner() throws InterruptedException {
      BusyCore.stop(spinner);
    }

    @Setup(Level.Trial)
    public void setup() throws java.io.IOException {
      spinner = BusyCore.start(busy);
      Random r = new Random(2);
      a = new double[1_000_000];
      b = new double[1_000_000];
      for (int i = 0; i < a.length; i++) {
        a[i] = r.nextGaussian();
        b[i] = r.nextGaussian() + 0.01;
      }
    }
  }

  /** Exact two-sample KS (statistic and p-value) on 1,000,000 against 1,000,000 raw values. */
  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  @Warmup(iterations = 2, time = 5)
  @Measurement(iterations = 3, time = 10)
  public TestResult exactKs1M(KsState s) {
    return TwoSample.ks(s.a, s.b);
  }

  /** Baseline for {@link #exactKs1M}: sorting copies of both samples, which any exact KS must do. */
  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  @Warmup(iterations = 2, time = 5)
  @Measurement(iterations = 3, time = 10)
  public double sortBothCopies1M(KsState s) {
    double[] a = s.a.clone();
    double[] b = s.b.clone();
    java.util.Arrays.sort(a);
    java.util.Arrays.sort(b);
    return a[0] + b[0];
  }

  /** The same sorts with {@code Arrays.parallelSort}: whether a parallel sort pays on this machine. */
  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  @Warmup(iterations = 2, time = 5)
  @Measurement(iterations = 3, time = 10)
  public double parallelSortBothCopies1M(KsState s) {
    double[] a = s.a.clone();
    double[] b = s.b.clone();
    java.util.Arrays.parallelSort(a);
    java.util.Arrays.parallelSort(b);
    return a[0] + b[0];
  }

  /**
   * A reference profile of 1,000,000 rows and 100,000 current rows, for 10, 50 or 500 numerical
   * columns (ten distinct column distributions, repeated; every third shifted).
   */
  @State(Scope.Benchmark)
  public static class ReportState {
    @Param({"10", "50", "500"})
    public int columns;
    /** Whether another process keeps one core busy meanwhile ({@link BusyCore}), as on a service's shared machine. */
    @Param({"false"})
    public boolean busy;

    dev.mlops.monitoring.profile.Profile reference;
    dev.mlops.monitoring.data.Table current;
    Process spinner;

    @TearDown(Level.Trial)
    public void stopSpinner() throws InterruptedException {
      BusyCore.stop(spinner);
    }

    @Setup(Level.Trial)
    public void setup() throws java.io.IOException {
      spinner = BusyCore.start(busy);
      Random r = new Random(3);
      reference = new dev.mlops.monitoring.profile.Profile();
      java.util.List<dev.mlops.monitoring.data.Column> cols = new java.util.ArrayList<>();
      double[][] ref = new double[10][1_000_000];
      double[][] cur = new double[10][100_000];
      for (int c = 0; c < 10; c++) {
        for (int i = 0; i < ref[c].length; i++) {
          ref[c][i] = r.nextGaussian() * (1 + c % 5) + c;
        }
        for (int i = 0; i < cur[c].length; i++) {
          cur[c][i] = r.nextGaussian() * (1 + c % 5) + c + (c % 3 == 0 ? 0.3 : 0);
        }
      }
      for (int c = 0; c < columns; c++) {
        reference.update("f" + c, ref[c % 10]);
        cols.add(dev.mlops.monitoring.data.Column.numerical("f" + c, cur[c % 10]));
      }
      current = dev.mlops.monitoring.data.Table.of(cols);
    }
  }

  /** A drift report: every column's reference profile of 1,000,000 rows against its 100,000 current rows. */
  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public dev.mlops.monitoring.drift.DriftReport driftReport(ReportState s) {
    return dev.mlops.monitoring.drift.ProfileDrift.compare(s.reference, s.current, dev.mlops.monitoring.drift.DriftOptions.defaults());
  }

  /** Profiles of 1,000 rows x 10 numerical columns each (shards or windows), to be merged into one. */
  @State(Scope.Benchmark)
  public static class MergeState {
    @Param({"10", "100", "1000"})
    public int profiles;

    java.util.List<dev.mlops.monitoring.profile.Profile> parts;

    @Setup(Level.Trial)
    public void setup() {
      Random r = new Random(5);
      parts = new java.util.ArrayList<>();
      double[] values = new double[1_000];
      for (int p = 0; p < profiles; p++) {
        dev.mlops.monitoring.profile.Profile profile = new dev.mlops.monitoring.profile.Profile();
        for (int c = 0; c < 10; c++) {
          for (int i = 0; i < values.length; i++) {
            values[i] = r.nextGaussian() * (1 + c) + c;
          }
          profile.update("f" + c, values);
        }
        parts.add(profile);
      }
    }
  }

  /** {@code Profile.mergeAll}: the profiles merged in one pass into one profile of every row. */
  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public dev.mlops.monitoring.profile.Profile mergeAllProfiles(MergeState s) {
    return dev.mlops.monitoring.profile.Profile.mergeAll(s.parts);
  }

  /** A chain of {@code Profile.merge} calls, each copying the growing result. */
  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public dev.mlops.monitoring.profile.Profile mergeProfilesOneByOne(MergeState s) {
    dev.mlops.monitoring.profile.Profile out = new dev.mlops.monitoring.profile.Profile();
    for (dev.mlops.monitoring.profile.Profile p : s.parts) {
      out = out.merge(p);
    }
    return out;
  }
}
