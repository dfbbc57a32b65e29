package dev.mlops.benchmarks;

import dev.mlops.api.registry.ModelVersion;
import dev.mlops.registry.LoadedModel;
import dev.mlops.registry.ModelRegistry;
import dev.mlops.registry.Registration;
import java.nio.file.Files;
import java.nio.file.Path;
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
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.sgd.linear.LogisticRegressionTrainer;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.SimpleDataSourceProvenance;

/** Registry latency. Run with {@code java -jar benchmarks/target/benchmarks.jar RegistryBenchmarks}. */
@Fork(1)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 5)
public class RegistryBenchmarks {

  static Model<Label> model() {
    LabelFactory f = new LabelFactory();
    MutableDataset<Label> d = new MutableDataset<>(new SimpleDataSourceProvenance("bench", f), f);
    Random r = new Random(1);
    for (int i = 0; i < 200; i++) {
      boolean pos = r.nextBoolean();
      d.add(new ArrayExample<>(new Label(pos ? "a" : "b"), new String[] {"x", "y"}, new double[] {r.nextGaussian() + (pos ? 1 : -1), r.nextGaussian()}));
    }
    return new LogisticRegressionTrainer().train(d);
  }

  /** A file: registry with a champion already loaded once. */
  @State(Scope.Benchmark)
  public static class RegistryState {
    ModelRegistry registry;
    Path modelFile;
    final java.util.concurrent.ConcurrentHashMap<String, Object> baseline = new java.util.concurrent.ConcurrentHashMap<>();

    @Setup(Level.Trial)
    public void setup() throws Exception {
      registry = ModelRegistry.builder().storage("file:" + TrackingBenchmarks.tempDir("bench-registry-")).build();
      ModelVersion v = registry.register(Registration.of("fraud").fromModel(model()));
      registry.setAlias("fraud", "champion", v.version());
      baseline.put("models:/fraud@champion", registry.load("models:/fraud@champion", Label.class));
      modelFile = Files.createTempFile("bench-model", ".tribuo");
      Files.write(modelFile, registry.bytes("fraud", v.version()));
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
      registry.close();
      Files.deleteIfExists(modelFile);
    }
  }

  /**
   * Resolving models:/fraud@champion to the loaded, cached model with its version, including the
   * race-free check (the model's generation) that a load after an alias move never returns the old version.
   */
  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public LoadedModel<Label> resolveAliasToCachedModel(RegistryState s) {
    return s.registry.load("models:/fraud@champion", Label.class);
  }

  /** Baseline in the same run: one ConcurrentHashMap.get of a cached value by the same URI. */
  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public Object baselineConcurrentHashMapGet(RegistryState s) {
    return s.baseline.get("models:/fraud@champion");
  }

  /** Registering a version on file: from a Tribuo protobuf file: read, hash, parse-check, store bytes, commit with audit and event. */
  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public ModelVersion registerVersionFile(RegistryState s) {
    return s.registry.register(Registration.of("fraud").fromFile(s.modelFile));
  }
}
