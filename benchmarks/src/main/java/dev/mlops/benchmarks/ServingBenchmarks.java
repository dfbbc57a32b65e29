package dev.mlops.benchmarks;

import dev.mlops.monitoring.Monitor;
import dev.mlops.monitoring.profile.Profile;
import dev.mlops.registry.ModelRegistry;
import dev.mlops.registry.Registration;
import dev.mlops.serving.Batching;
import dev.mlops.serving.Endpoint;
import dev.mlops.serving.ModelServer;
import dev.mlops.serving.Served;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.sgd.linear.LogisticRegressionTrainer;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.SimpleDataSourceProvenance;

/**
 * The cost of serving through an endpoint, each beside raw Tribuo on the same model and input in
 * the same run (the baseline builds the example from the same map and calls {@code model.predict}).
 * Run with {@code java -jar benchmarks/target/benchmarks.jar ServingBenchmarks}.
 */
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
public class ServingBenchmarks {
  static final int FEATURES = 10;
  static final String[] NAMES = new String[FEATURES];

  static {
    for (int i = 0; i < FEATURES; i++) {
      NAMES[i] = "f" + i;
    }
  }

  static Model<Label> model(long seed) {
    LabelFactory f = new LabelFactory();
    MutableDataset<Label> d = new MutableDataset<>(new SimpleDataSourceProvenance("bench", f), f);
    Random r = new Random(seed);
    for (int i = 0; i < 1000; i++) {
      boolean pos = r.nextBoolean();
      double[] x = new double[FEATURES];
      for (int j = 0; j < FEATURES; j++) {
        x[j] = r.nextGaussian() + (pos && j < 3 ? 1 : 0);
      }
      d.add(new ArrayExample<>(new Label(pos ? "yes" : "no"), NAMES, x));
    }
    return new LogisticRegressionTrainer().train(d);
  }

  static List<Map<String, Object>> requests(int n) {
    Random r = new Random(7);
    List<Map<String, Object>> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Map<String, Object> m = new LinkedHashMap<>();
      for (String name : NAMES) {
        m.put(name, r.nextGaussian());
      }
      out.add(m);
    }
    return out;
  }

  /**
   * A mem: registry with the champion v1, a canary v2 and a shadow v3 (all the same kind of model).
   * {@code busy=true} runs the benchmark with another process keeping one core busy
   * ({@link BusyCore}); {@code share} is the background worker's share of a core
   * ({@code EndpointBuilder.backgroundShare}) on the endpoints with a shadow or logging.
   */
  @State(Scope.Benchmark)
  public static class Serving {
    @Param({"false"})
    public boolean busy;
    @Param({"0.25"})
    public double share;
    Process spinner;
    ModelRegistry registry;
    ModelServer server;
    Model<Label> raw;
    Endpoint<Label> plain;
    Endpoint<Label> full;
    Endpoint<Label> batched;
    Endpoint<Label> canaryOnly;
    Endpoint<Label> shadowOnly;
    Endpoint<Label> logOnly;
    Monitor monitor;
    List<Map<String, Object>> requests;

    @Setup(Level.Trial)
    public void setup() throws java.io.IOException {
      registry = ModelRegistry.builder().storage("mem:bench-serving-" + System.nanoTime()).build();
      raw = model(1);
      registry.register(Registration.of("m").fromModel(raw));
      registry.register(Registration.of("m").fromModel(model(2)));
      registry.register(Registration.of("m").fromModel(model(3)));
      registry.setAlias("m", "champion", 1);
      registry.setAlias("m", "canary", 2);
      server = ModelServer.builder().registry(registry).meterRegistry(new SimpleMeterRegistry()).build();
      plain = server.endpoint("plain", Label.class).serve("models:/m@champion").build();
      requests = requests(1024);
      Profile ref = new Profile();
      for (Map<String, Object> r : requests) {
        ref.update(r);
      }
      // window reports on the endpoint's logging thread: background work takes one core at most
      monitor = Monitor.builder("m").reference(ref).windowRows(10_000).executor(Runnable::run).build();
      full = server.endpoint("full", Label.class).serve("models:/m@champion").canary("models:/m@canary", 0.2)
          .shadow("next", "models:/m/3").logTo(monitor).backgroundShare(share).build();
      canaryOnly = server.endpoint("c", Label.class).serve("models:/m@champion").canary("models:/m@canary", 0.2).build();
      shadowOnly = server.endpoint("s", Label.class).serve("models:/m@champion").shadow("next", "models:/m/3").backgroundShare(share).build();
      logOnly = server.endpoint("l", Label.class).serve("models:/m@champion").logTo(monitor).backgroundShare(share).build();
      batched = server.endpoint("batched", Label.class).serve("models:/m@champion").batching(Batching.of(32, java.time.Duration.ofMillis(1)))
          .maxConcurrency(512).build();
      spinner = BusyCore.start(busy);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws InterruptedException {
      BusyCore.stop(spinner);
      // what the background thread kept up with: shown beside the figures, since a full queue drops
      for (Endpoint<Label> e : List.of(full, shadowOnly, logOnly)) {
        var st = e.describe();
        long served = st.variants().stream().filter(v -> !v.name().equals("next")).mapToLong(v -> v.requests()).sum();
        if (served > 100_000) {
          long cpu = BackgroundCpu.nanos(e.name());
          long shadowed = e == logOnly ? 0 : served - st.shadowDropped();
          long logged = e == shadowOnly ? 0 : served - st.logging().rowsDropped();
          System.out.printf("%n%s: %d requests, shadow dropped %.1f %%, log dropped %.1f %%, monitor rows %d; background CPU %.3f s: "
                  + "%.3f us per request sent, %.3f us per request shadowed or logged%n", e.name(), served,
              100.0 * st.shadowDropped() / served, 100.0 * st.logging().rowsDropped() / served, e == shadowOnly ? 0 : monitor.stats().rows(),
              cpu / 1e9, cpu / 1e3 / served, cpu / 1e3 / Math.max(1, Math.max(shadowed, logged)));
        }
      }
      server.close();
      monitor.close();
      registry.close();
    }
  }

  /** Which request a thread sends next. */
  @State(Scope.Thread)
  public static class Cursor {
    int i;

    Map<String, Object> next(Serving s) {
      return s.requests.get(i++ & 1023);
    }
  }

  /** Baseline: build the Tribuo example from the same map and call model.predict. */
  static Prediction<Label> raw(Serving s, Map<String, Object> m) {
    String[] names = new String[m.size()];
    double[] values = new double[m.size()];
    int k = 0;
    for (Map.Entry<String, Object> e : m.entrySet()) {
      names[k] = e.getKey();
      values[k++] = ((Number) e.getValue()).doubleValue();
    }
    return s.raw.predict(new ArrayExample<>(LabelFactory.UNKNOWN_LABEL, names, values));
  }

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public Prediction<Label> rawTribuo(Serving s, Cursor c) {
    return raw(s, c.next(s));
  }

  /** One model, Micrometer metrics on. Target: at most 1.10x rawTribuo. */
  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public Served<Label> endpoint(Serving s, Cursor c) {
    return s.plain.predict(c.next(s));
  }

  /** A 20 % canary, a shadow and prediction logging into a Monitor on. Target: at most 1.25x rawTribuo. */
  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public Served<Label> endpointCanaryShadowLogging(Serving s, Cursor c) {
    return s.full.predict(c.next(s));
  }

  /** A 20 % canary alone. */
  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public Served<Label> endpointCanary(Serving s, Cursor c) {
    return s.canaryOnly.predict(c.next(s));
  }

  /** A shadow alone (run on the endpoint's background thread). */
  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public Served<Label> endpointShadow(Serving s, Cursor c) {
    return s.shadowOnly.predict(c.next(s));
  }

  /** Prediction logging into a Monitor alone. */
  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public Served<Label> endpointLogging(Serving s, Cursor c) {
    return s.logOnly.predict(c.next(s));
  }

  /** Throughput from 2 caller threads, raw. */
  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  @Threads(2)
  public Prediction<Label> rawTribuoTwoThreads(Serving s, Cursor c) {
    return raw(s, c.next(s));
  }

  /** Throughput from 2 caller threads through the endpoint. Target: at least 90 % of rawTribuoTwoThreads. */
  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  @Threads(2)
  public Served<Label> endpointTwoThreads(Serving s, Cursor c) {
    return s.plain.predict(c.next(s));
  }

  /** Throughput from 8 caller threads with micro-batching (32, 1 ms): Tribuo's linear model has no native batch path. */
  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  @Threads(8)
  public Served<Label> batchedEightThreads(Serving s, Cursor c) {
    return s.batched.predict(c.next(s));
  }

  /** Throughput from 8 caller threads without batching, the comparison for batchedEightThreads. */
  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  @Threads(8)
  public Served<Label> unbatchedEightThreads(Serving s, Cursor c) {
    return s.plain.predict(c.next(s));
  }

  /**
   * How long an alias move takes to reach the requests: from {@code setAlias} returning (on the
   * registry the server follows) to the first request answered by the version moved to. The move
   * reaches the endpoint through the registry's listener thread; the server's control thread
   * resolves the alias and flips, after loading (digest checked, deserialized: the registry's
   * model cache holds one model, so every move reads the bytes) and warming up (50 predictions) a
   * version not kept loaded ({@code fresh}: three versions in turn, none kept), or at once for a
   * version still loaded ({@code kept}: two versions in turn). {@code callers} other threads
   * predict on the same endpoint meanwhile. The baseline moves an alias no endpoint follows.
   */
  @State(Scope.Benchmark)
  public static class Moving {
    @Param({"fresh", "kept"})
    public String target;
    @Param({"0", "2"})
    public int callers;
    ModelRegistry registry;
    ModelServer server;
    Endpoint<Label> endpoint;
    Map<String, Object> request;
    int[] versions;
    int next;
    int unfollowed = 1;
    long moves;
    long previousAnswers;
    final AtomicBoolean stop = new AtomicBoolean();
    final List<Thread> threads = new ArrayList<>();

    @Setup(Level.Trial)
    public void setup() {
      boolean fresh = target.equals("fresh");
      registry = ModelRegistry.builder().storage("mem:bench-move-" + System.nanoTime()).modelCacheSize(1).build();
      for (int i = 1; i <= 3; i++) {
        registry.register(Registration.of("m").fromModel(model(i)));
      }
      registry.register(Registration.of("unfollowed").fromModel(model(1)));
      registry.register(Registration.of("unfollowed").fromModel(model(2)));
      registry.setAlias("m", "champion", 1);
      registry.setAlias("unfollowed", "champion", 1);
      server = ModelServer.builder().registry(registry).build();
      endpoint = server.endpoint("moving", Label.class).serve("models:/m@champion").retainVersions(fresh ? 0 : 2).build();
      versions = fresh ? new int[] {2, 3, 1} : new int[] {2, 1};
      request = requests(1).get(0);
      List<Map<String, Object>> load = requests(1024);
      for (int t = 0; t < callers; t++) {
        Thread th = new Thread(() -> {
          int i = 0;
          while (!stop.get()) {
            endpoint.predict(load.get(i++ & 1023));
          }
        }, "caller-" + t);
        th.setDaemon(true);
        th.start();
        threads.add(th);
      }
      if (!fresh) {
        // serve both versions once, so that each move finds the other still loaded
        for (int v : versions) {
          registry.setAlias("m", "champion", v);
          while (endpoint.predict(request).version() != v) {
            Thread.onSpinWait();
          }
        }
      }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws InterruptedException {
      stop.set(true);
      for (Thread t : threads) {
        t.join();
      }
      System.out.printf("%n[%d moves; requests answered by the previous version after the move returned: %.1f per move]%n", moves,
          (double) previousAnswers / Math.max(1, moves));
      server.close();
      registry.close();
    }
  }

  /** Alias moved (setAlias returned) to the first request answered by the version moved to; see {@link Moving}. */
  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public int aliasMoveToFirstAnswer(Moving m) {
    int target = m.versions[m.next++ % m.versions.length];
    m.registry.setAlias("m", "champion", target);
    long previous = 0;
    int v;
    while ((v = m.endpoint.predict(m.request).version()) != target) {
      previous++;
    }
    m.moves++;
    m.previousAnswers += previous;
    return v;
  }

  /** Baseline: moving an alias no endpoint follows (the registry's own cost of a move, its event included). */
  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public int aliasMoveAlone(Moving m) {
    m.unfollowed = 3 - m.unfollowed;
    m.registry.setAlias("unfollowed", "champion", m.unfollowed);
    return m.unfollowed;
  }

  /**
   * An endpoint whose alias moves between two versions every 20 ms while 2 threads predict: the
   * latency distribution during swaps (compare its p99 with steadyTwoThreads'), and every request
   * must succeed (a failure fails the benchmark).
   */
  @State(Scope.Benchmark)
  public static class Swapping {
    ModelRegistry registry;
    ModelServer server;
    Endpoint<Label> endpoint;
    Endpoint<Label> steady;
    List<Map<String, Object>> requests;
    Thread mover;
    final AtomicBoolean stop = new AtomicBoolean();
    final AtomicLong swaps = new AtomicLong();

    @Setup(Level.Trial)
    public void setup() {
      registry = ModelRegistry.builder().storage("mem:bench-swap-" + System.nanoTime()).build();
      registry.register(Registration.of("m").fromModel(model(1)));
      registry.register(Registration.of("m").fromModel(model(2)));
      registry.register(Registration.of("s").fromModel(model(1)));
      registry.setAlias("m", "champion", 1);
      registry.setAlias("s", "champion", 1);
      server = ModelServer.builder().registry(registry).build();
      endpoint = server.endpoint("swapping", Label.class).serve("models:/m@champion").build();
      steady = server.endpoint("steady", Label.class).serve("models:/s@champion").build();
      requests = requests(1024);
      mover = new Thread(() -> {
        int v = 2;
        while (!stop.get()) {
          registry.setAlias("m", "champion", v);
          v = 3 - v;
          swaps.incrementAndGet();
          try {
            Thread.sleep(20);
          } catch (InterruptedException e) {
            return;
          }
        }
      }, "alias-mover");
      mover.setDaemon(true);
      mover.start();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws InterruptedException {
      stop.set(true);
      mover.join();
      System.out.println("\n[swaps during the run: " + swaps.get() + "]");
      server.close();
      registry.close();
    }
  }

  /** Which request a thread sends next, for the swapping state. */
  @State(Scope.Thread)
  public static class SwapCursor {
    int i;
  }

  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  @Threads(2)
  public Served<Label> duringSwapsTwoThreads(Swapping s, SwapCursor c) {
    return s.endpoint.predict(s.requests.get(c.i++ & 1023));
  }

  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  @Threads(2)
  public Served<Label> steadyTwoThreads(Swapping s, SwapCursor c) {
    return s.steady.predict(s.requests.get(c.i++ & 1023));
  }
}
