package dev.mlops.benchmarks;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.mlops.api.registry.ModelVersion;
import dev.mlops.onnx.OnnxFlavor;
import dev.mlops.onnx.OnnxModel;
import dev.mlops.onnx.OnnxPrediction;
import dev.mlops.registry.ModelRegistry;
import dev.mlops.registry.Registration;
import dev.mlops.testkit.LargeOnnxModel;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * ONNX models through the library, each beside ONNX Runtime or the file system doing the same
 * work by hand in the same run. The model is PyTorch's MLP classifier (4-16-16-3, probabilities
 * and label outputs) from mlops-onnx's test models; the 100 MB model is written at setup
 * (LargeOnnxModel). Run with {@code java -jar benchmarks/target/benchmarks.jar OnnxBenchmarks}.
 */
@Fork(1)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 5)
public class OnnxBenchmarks {
  static final String[] FEATURES = {"sepal_length", "sepal_width", "petal_length", "petal_width"};

  /** ONNX Runtime's own session on {@code file}, one thread, as the library's flavor makes by default: the floor the benchmarks compare with. */
  static OrtSession floorSession(Path file) throws IOException, OrtException {
    try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
      so.setIntraOpNumThreads(1);
      so.setInterOpNumThreads(1);
      return OrtEnvironment.getEnvironment().createSession(Files.readAllBytes(file), so);
    }
  }

  /** A registry holding the classifier, one loaded model, and ONNX Runtime's own session on the same bytes. */
  @State(Scope.Benchmark)
  public static class Classifier {
    ModelRegistry registry;
    OnnxModel model;
    OrtSession session;
    OnnxTensor oneRow;
    Map<String, Object> row;
    float[] rowArray;
    List<Map<String, Object>> batch;

    @Setup(Level.Trial)
    public void setup() throws Exception {
      Path file = TrackingBenchmarks.tempDir("bench-onnx-").resolve("classifier.onnx");
      try (InputStream in = OnnxBenchmarks.class.getResourceAsStream("/onnx/torch_mlp_classifier.onnx")) {
        Files.copy(in, file);
      }
      registry = ModelRegistry.builder().storage("file:" + TrackingBenchmarks.tempDir("bench-onnx-store-"))
          .flavor(OnnxFlavor.create()).build();
      ModelVersion v = registry.register(Registration.of("iris").fromFile(file).flavor("onnx"));
      model = OnnxModel.load(registry, v.uri());
      session = floorSession(file);
      Random r = new Random(3);
      batch = new ArrayList<>();
      for (int i = 0; i < 32; i++) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(FEATURES[0], 4.5 + 3 * r.nextDouble());
        m.put(FEATURES[1], 2.0 + 2 * r.nextDouble());
        m.put(FEATURES[2], 1.0 + 6 * r.nextDouble());
        m.put(FEATURES[3], 0.1 + 2.4 * r.nextDouble());
        batch.add(m);
      }
      row = batch.get(0);
      rowArray = new float[FEATURES.length];
      for (int f = 0; f < FEATURES.length; f++) {
        rowArray[f] = ((Number) row.get(FEATURES[f])).floatValue();
      }
      oneRow = OnnxTensor.createTensor(OrtEnvironment.getEnvironment(), FloatBuffer.wrap(rowArray), new long[] {1, FEATURES.length});
    }

    @TearDown(Level.Trial)
    public void tearDown() throws OrtException {
      oneRow.close();
      session.close();
      model.close();
      registry.close();
    }
  }

  /** One row from a feature map: checked, encoded as a [1,4] tensor, run, label and probabilities decoded. */
  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public OnnxPrediction predictOneRow(Classifier s) {
    return s.model.predict(s.row);
  }

  /** One row from a float array in feature order. */
  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public OnnxPrediction predictOneRowArray(Classifier s) {
    return s.model.predict(s.rowArray);
  }

  /** The floor: ONNX Runtime's own run on a tensor built once, its result closed, nothing decoded. */
  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public long ortRunPrebuiltTensorBaseline(Classifier s) throws OrtException {
    try (OrtSession.Result r = s.session.run(Map.of("features", s.oneRow))) {
      return r.size();
    }
  }

  /** 32 rows as one [32,4] run. */
  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public List<OnnxPrediction> predictBatchOf32(Classifier s) {
    return s.model.predictBatch(s.batch);
  }

  /** The same 32 rows as 32 single predictions. */
  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public List<OnnxPrediction> predict32Singles(Classifier s) {
    List<OnnxPrediction> out = new ArrayList<>(32);
    for (Map<String, Object> r : s.batch) {
      out.add(s.model.predict(r));
    }
    return out;
  }

  /**
   * A 128-feature model with a small hidden layer (an MLP 128 -> 16 -> 1), so that a batch's run
   * is short and what the library adds around it (checking 4,096 values and laying them out as a
   * [32,128] tensor, decoding 32 outputs) shows beside ONNX Runtime's own run on a tensor built once.
   */
  @State(Scope.Benchmark)
  public static class Wide {
    static final int FEATURES = 128;
    ModelRegistry registry;
    OnnxModel model;
    OrtSession session;
    OnnxTensor prebuilt;
    float[][] rows;

    @Setup(Level.Trial)
    public void setup() throws Exception {
      Path file = TrackingBenchmarks.tempDir("bench-onnx-wide-").resolve("wide.onnx");
      LargeOnnxModel.writeMlp(file, FEATURES, new int[] {16}, 1);
      registry = ModelRegistry.builder().storage("file:" + TrackingBenchmarks.tempDir("bench-onnx-wide-store-"))
          .flavor(OnnxFlavor.create()).build();
      List<String> names = new ArrayList<>();
      for (int i = 1; i <= FEATURES; i++) {
        names.add("x" + i);
      }
      ModelVersion v = registry.register(Registration.of("wide").fromFile(file).flavor("onnx")
          .signature(dev.mlops.onnx.OnnxMapping.features(names).signature()));
      model = OnnxModel.load(registry, v.uri());
      session = floorSession(file);
      Random r = new Random(5);
      rows = new float[32][FEATURES];
      float[] flat = new float[32 * FEATURES];
      for (int i = 0; i < 32; i++) {
        for (int f = 0; f < FEATURES; f++) {
          rows[i][f] = (float) r.nextGaussian();
          flat[i * FEATURES + f] = rows[i][f];
        }
      }
      prebuilt = OnnxTensor.createTensor(OrtEnvironment.getEnvironment(), FloatBuffer.wrap(flat), new long[] {32, FEATURES});
    }

    @TearDown(Level.Trial)
    public void tearDown() throws OrtException {
      prebuilt.close();
      session.close();
      model.close();
      registry.close();
    }
  }

  /** 32 rows of 128 features as float arrays: checked, laid out as one [32,128] tensor, run, 32 values decoded. */
  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public List<OnnxPrediction> wideBatchOf32(Wide s) {
    return s.model.predictBatch(s.rows);
  }

  /** The floor: ONNX Runtime's own run of the same [32,128] tensor built once, its result closed. */
  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public long wideBatchOf32OrtBaseline(Wide s) throws OrtException {
    try (OrtSession.Result r = s.session.run(Map.of("input", s.prebuilt))) {
      return r.size();
    }
  }

  /** A 100 MB ONNX file written at setup (an MLP 4 -> 5,000,000 -> 1) and a file: registry with a flavor that takes it. */
  @State(Scope.Benchmark)
  public static class LargeFile {
    Path file;
    ModelRegistry registry;

    @Setup(Level.Trial)
    public void setup() {
      file = TrackingBenchmarks.tempDir("bench-onnx-large-").resolve("large.onnx");
      LargeOnnxModel.write(file, LargeOnnxModel.hiddenUnitsFor(100_000_000L));
      registry = ModelRegistry.builder().storage("file:" + TrackingBenchmarks.tempDir("bench-onnx-large-store-"))
          .flavor(OnnxFlavor.create()).build();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      registry.close();
    }
  }

  /**
   * Registering the 100 MB file (read, hashed, stored, loaded and run once on its example) and
   * loading it (read, digest checked, session made), then one prediction and closing.
   */
  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  @Warmup(iterations = 2)
  @Measurement(iterations = 3)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public double registerAndLoad100MB(LargeFile s) {
    ModelVersion v = s.registry.register(Registration.of("large").fromFile(s.file).flavor("onnx")
        .signature(dev.mlops.onnx.OnnxMapping.features("a", "b", "c", "d").signature()));
    try (OnnxModel m = OnnxModel.load(s.registry, v.uri())) {
      return m.predict(new float[] {1, 2, 3, 4}).value();
    }
  }

  /** The floor beside it: reading the file's bytes into memory. */
  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  @Warmup(iterations = 2)
  @Measurement(iterations = 3)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public int readFileBytes100MBBaseline(LargeFile s) {
    try {
      return Files.readAllBytes(s.file).length;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
