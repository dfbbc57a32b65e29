package dev.mlops.benchmarks;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.mlops.onnx.OnnxFlavor;
import dev.mlops.onnx.OnnxMapping;
import dev.mlops.onnx.serving.OnnxServing;
import dev.mlops.registry.ModelRegistry;
import dev.mlops.registry.Registration;
import dev.mlops.serving.Batching;
import dev.mlops.serving.Endpoint;
import dev.mlops.serving.ModelServer;
import dev.mlops.serving.Served;
import dev.mlops.testkit.LargeOnnxModel;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import org.tribuo.regression.Regressor;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * An ONNX model behind an endpoint ({@link OnnxServing#adapter()}), beside ONNX Runtime's own run
 * on a tensor built once, in the same run: one row (target: at most 1.2 times the floor), and
 * throughput from 4 caller threads with and without micro-batching (target: batched at least twice
 * unbatched), and from 16 callers, as behind an HTTP server's worker pool. The model is PyTorch's MLP classifier of {@link OnnxBenchmarks}. Run with
 * {@code java -jar benchmarks/target/benchmarks.jar OnnxServingBenchmarks}.
 */
@Fork(1)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 5)
public class OnnxServingBenchmarks {
  /** The classifier registered and loaded, ONNX Runtime's own session, and two endpoints on it: plain and micro-batching. */
  @State(Scope.Benchmark)
  public static class Endpoints {
    final OnnxBenchmarks.Classifier classifier = new OnnxBenchmarks.Classifier();
    ModelServer server;
    Endpoint<org.tribuo.classification.Label> plain;
    Endpoint<org.tribuo.classification.Label> batched;
    Endpoint<org.tribuo.classification.Label> greedy;
    double[] row;

    @Setup(Level.Trial)
    public void setup() throws Exception {
      classifier.setup();
      server = ModelServer.builder().registry(classifier.registry).modelAdapter("onnx", OnnxServing.adapter()).build();
      classifier.registry.setAlias("iris", "champion", 1);
      plain = server.endpoint("plain", org.tribuo.classification.Label.class).serve("models:/iris@champion").build();
      batched = server.endpoint("batched", org.tribuo.classification.Label.class).serve("models:/iris@champion")
          .batching(Batching.of(32, Duration.ofMillis(1))).build();
      greedy = server.endpoint("greedy", org.tribuo.classification.Label.class).serve("models:/iris@champion")
          .batching(Batching.noDelay(32)).build();
      row = new double[classifier.rowArray.length];
      for (int i = 0; i < row.length; i++) {
        row[i] = classifier.rowArray[i];
      }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws OrtException {
      server.close();
      classifier.tearDown();
    }
  }

  /**
   * A wider model behind the same two kinds of endpoint: a 128-feature MLP with two hidden layers
   * of 1,024 units ({@code LargeOnnxModel.writeMlp}, about 1.2 million weights, 4.7 MB), where one
   * row's run is mostly arithmetic rather than the runtime's fixed cost per call: a row alone is a
   * matrix-vector product that reads every weight, a batch a matrix product that reads them once
   * for all its rows.
   */
  @State(Scope.Benchmark)
  public static class Wide {
    static final int FEATURES = 128;

    ModelServer server;
    ModelRegistry registry;
    Endpoint<Regressor> plain;
    Endpoint<Regressor> greedy;
    double[] row;

    @Setup(Level.Trial)
    public void setup() throws Exception {
      Path file = TrackingBenchmarks.tempDir("bench-onnx-wide-").resolve("wide.onnx");
      LargeOnnxModel.writeMlp(file, FEATURES, new int[] {1024, 1024}, 1);
      OnnxFlavor flavor = OnnxFlavor.create();
      registry = ModelRegistry.builder().storage("file:" + TrackingBenchmarks.tempDir("bench-onnx-wide-store-"))
          .flavor(flavor).build();
      List<String> names = IntStream.rangeClosed(1, FEATURES).mapToObj(i -> "x" + i).toList();
      registry.register(Registration.of("wide").fromFile(file).flavor("onnx").signature(OnnxMapping.features(names).signature()));
      registry.setAlias("wide", "champion", 1);
      server = ModelServer.builder().registry(registry).modelAdapter("onnx", OnnxServing.adapter(flavor)).build();
      plain = server.endpoint("plain", Regressor.class).serve("models:/wide@champion").build();
      greedy = server.endpoint("greedy", Regressor.class).serve("models:/wide@champion").batching(Batching.noDelay(32)).build();
      row = new double[FEATURES];
      for (int i = 0; i < FEATURES; i++) {
        row[i] = (i % 7) / 7.0;
      }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      server.close();
      registry.close();
    }
  }

  /** One row through the endpoint: routing, input check, the model's [1,4] run, label and probabilities, counting. */
  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public Served<org.tribuo.classification.Label> endpointOneRow(Endpoints s) {
    return s.plain.predict(s.row);
  }

  /** The floor: ONNX Runtime's own run on a tensor built once, its result closed, nothing decoded. */
  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public long ortRunPrebuiltTensorBaseline(Endpoints s) throws OrtException {
    try (OrtSession.Result r = s.classifier.session.run(Map.of("features", s.classifier.oneRow))) {
      return r.size();
    }
  }

  /** Throughput of 4 callers, each row its own run of the graph. */
  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  @Threads(4)
  public Served<org.tribuo.classification.Label> unbatchedFourThreads(Endpoints s) {
    return s.plain.predict(s.row);
  }

  /** Throughput of 4 callers whose rows are gathered into [N,4] runs (up to 32 rows, 1 ms). */
  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  @Threads(4)
  public Served<org.tribuo.classification.Label> batchedFourThreads(Endpoints s) {
    return s.batched.predict(s.row);
  }

  /** Throughput of 4 callers whose rows are gathered with no wait: whatever queued while the last batch ran (up to 32 rows). */
  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  @Threads(4)
  public Served<org.tribuo.classification.Label> batchedNoDelayFourThreads(Endpoints s) {
    return s.greedy.predict(s.row);
  }

  /** Throughput of 16 callers, as behind an HTTP server's worker pool, each row its own run of the graph. */
  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  @Threads(16)
  public Served<org.tribuo.classification.Label> unbatchedSixteenThreads(Endpoints s) {
    return s.plain.predict(s.row);
  }

  /** Throughput of 16 callers whose rows are gathered with no wait (up to 32 rows a run). */
  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  @Threads(16)
  public Served<org.tribuo.classification.Label> batchedNoDelaySixteenThreads(Endpoints s) {
    return s.greedy.predict(s.row);
  }

  /** Throughput of 4 callers on the wider model, each row its own run of the graph. */
  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  @Threads(4)
  public Served<Regressor> wideUnbatchedFourThreads(Wide s) {
    return s.plain.predict(s.row);
  }

  /** Throughput of 4 callers on the wider model, rows gathered with no wait (up to 32 rows a run). */
  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  @Threads(4)
  public Served<Regressor> wideBatchedNoDelayFourThreads(Wide s) {
    return s.greedy.predict(s.row);
  }

  /** Throughput of 16 callers on the wider model, each row its own run of the graph. */
  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  @Threads(16)
  public Served<Regressor> wideUnbatchedSixteenThreads(Wide s) {
    return s.plain.predict(s.row);
  }

  /** Throughput of 16 callers on the wider model, rows gathered with no wait (up to 32 rows a run). */
  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  @Threads(16)
  public Served<Regressor> wideBatchedNoDelaySixteenThreads(Wide s) {
    return s.greedy.predict(s.row);
  }
}
