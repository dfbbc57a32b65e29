package dev.mlops.benchmarks;

import dev.mlops.registry.ModelRegistry;
import dev.mlops.registry.Registration;
import dev.mlops.serving.Endpoint;
import dev.mlops.serving.ModelServer;
import dev.mlops.serving.Served;
import dev.mlops.serving.http.ServingHttpServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
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
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;
import org.tribuo.classification.Label;

/**
 * One row through {@code POST /v2/models/{name}/infer} over the loopback (JDK HTTP client, keep-alive,
 * HTTP/1.1) beside the same endpoint's in-process {@code predict} of the same row in the same run,
 * and the server's emptiest route ({@code GET /v2/health/live}) as the transport's floor; sample
 * time gives the median and the p99. {@code sideBySide} alternates the two in one loop, one
 * in-process predict then one HTTP inference, timing each, so both meet the same load at the same
 * moments: at the end of its run it prints both medians and p99s, the median of the per-pair
 * differences (the latency HTTP adds) and the machine's load average before and after.
 * {@code throughput8Clients} sends from 8 threads, each with its own keep-alive client. The
 * {@code ...PlainSocket} variants send the same requests from a plain blocking socket
 * ({@link PlainHttp}) instead of the JDK's client, whose own thread hand-offs are most of its round
 * trip: what the server and the loopback add, as {@code curl} or {@code wrk} would see it. The model:
 * ServingBenchmarks' 10-feature logistic regression. Run with
 * {@code java -jar benchmarks/target/benchmarks.jar ServingHttpBenchmarks} (or
 * {@code ServingHttpBenchmarks.sideBySide} for the paired figure alone).
 */
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
public class ServingHttpBenchmarks {
  /** A mem: registry, endpoint "m" on {@code @champion} and the server on HTTP at a free port. */
  @State(Scope.Benchmark)
  public static class Http {
    ModelRegistry registry;
    ModelServer server;
    Endpoint<Label> endpoint;
    ServingHttpServer http;
    Map<String, Object> row;
    String body;
    byte[] bodyBytes;
    URI infer;
    URI live;

    @Setup(Level.Trial)
    public void setup() {
      registry = ModelRegistry.builder().storage("mem:bench-http-" + System.nanoTime()).build();
      registry.register(Registration.of("m").fromModel(ServingBenchmarks.model(1)));
      registry.setAlias("m", "champion", 1);
      server = ModelServer.builder().registry(registry).build();
      endpoint = server.endpoint("m", Label.class).serve("models:/m@champion").build();
      http = ServingHttpServer.builder(server).port(0).threads(8).start();
      row = ServingBenchmarks.requests(1).get(0);
      StringBuilder data = new StringBuilder();
      for (String f : ServingBenchmarks.NAMES) {
        data.append(data.length() == 0 ? "" : ", ").append(row.get(f));
      }
      body = "{\"inputs\": [{\"name\": \"row\", \"shape\": [1, " + ServingBenchmarks.FEATURES + "], \"datatype\": \"FP64\", \"data\": [" + data
          + "]}]}";
      bodyBytes = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
      infer = URI.create(http.url() + "/v2/models/m/infer");
      live = URI.create(http.url() + "/v2/health/live");
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      http.close();
      server.close();
      registry.close();
    }
  }

  /** One keep-alive HTTP/1.1 client per benchmark thread: the JDK's, and a plain socket ({@link PlainHttp}). */
  @State(Scope.Thread)
  public static class Client {
    HttpClient client;
    PlainHttp plain;

    @Setup(Level.Trial)
    public void setup(Http s) throws IOException {
      client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      plain = new PlainHttp(s.infer.getPort());
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
      plain.close();
    }

    String send(HttpRequest request) throws Exception {
      HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        throw new IllegalStateException(request.uri() + " answered " + r.statusCode() + ": " + r.body());
      }
      return r.body();
    }
  }

  /** The paired samples of {@link #sideBySide}, recorded in measurement iterations only. */
  @State(Scope.Thread)
  public static class Paired {
    static final int MAX = 1 << 20;
    final long[] inProcess = new long[MAX];
    final long[] overHttp = new long[MAX];
    int n;
    String client = "";
    boolean measuring;
    String loadBefore = "";

    @Setup(Level.Trial)
    public void start() {
      loadBefore = loadAverage();
    }

    @Setup(Level.Iteration)
    public void iteration(IterationParams params) {
      measuring = params.getType() == IterationType.MEASUREMENT;
    }

    void record(String client, long inProcessNanos, long httpNanos) {
      this.client = client;
      if (measuring && n < MAX) {
        inProcess[n] = inProcessNanos;
        overHttp[n] = httpNanos;
        n++;
      }
    }

    @TearDown(Level.Trial)
    public void report() {
      long[] a = Arrays.copyOf(inProcess, n);
      long[] b = Arrays.copyOf(overHttp, n);
      long[] d = new long[n];
      for (int i = 0; i < n; i++) {
        d[i] = b[i] - a[i];
      }
      Arrays.sort(a);
      Arrays.sort(b);
      Arrays.sort(d);
      System.out.printf(Locale.ROOT, "%nside by side (%s), %d pairs: in-process predict median %.2f us, p99 %.2f us; over HTTP median %.1f us, p99 %.1f us;"
          + " added by HTTP (median of per-pair differences) %.1f us; load average %s before, %s after%n", client, n, q(a, 0.5), q(a, 0.99),
          q(b, 0.5), q(b, 0.99), q(d, 0.5), loadBefore, loadAverage());
    }

    private static double q(long[] sorted, double p) {
      return sorted.length == 0 ? Double.NaN : sorted[(int) Math.min(sorted.length - 1, Math.floor(p * sorted.length))] / 1000.0;
    }

    static String loadAverage() {
      try {
        String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
        return f[0] + " / " + f[1] + " / " + f[2];
      } catch (IOException | RuntimeException e) {
        return "unknown";
      }
    }
  }

  /** The baseline: the same row predicted in process. */
  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public Served<Label> inProcessPredict(Http s) {
    return s.endpoint.predict(s.row);
  }

  /** One row over HTTP: request written, parsed, checked, predicted, answered and read back. */
  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public String httpInferOneRow(Http s, Client c) throws Exception {
    return c.send(HttpRequest.newBuilder(s.infer).POST(HttpRequest.BodyPublishers.ofString(s.body)).build());
  }

  /**
   * One in-process predict, then the same row over HTTP, each timed: the pair meets the same load
   * (the figure is printed by {@link Paired#report()}; JMH's own figure is the pair's time).
   */
  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public String sideBySide(Http s, Client c, Paired p) throws Exception {
    long t0 = System.nanoTime();
    Served<Label> local = s.endpoint.predict(s.row);
    long t1 = System.nanoTime();
    String remote = c.send(HttpRequest.newBuilder(s.infer).POST(HttpRequest.BodyPublishers.ofString(s.body)).build());
    long t2 = System.nanoTime();
    p.record("JDK HttpClient", t1 - t0, t2 - t1);
    return local.outputText() + remote;
  }

  /** One row over HTTP from a plain socket ({@link PlainHttp}): the server and the loopback without the JDK client's thread hand-offs. */
  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public byte[] httpInferOneRowPlainSocket(Http s, Client c) throws Exception {
    return c.plain.post(s.infer, s.bodyBytes);
  }

  /** {@link #sideBySide} with the plain-socket client: the latency the server and the loopback add to an in-process predict. */
  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public byte[] sideBySidePlainSocket(Http s, Client c, Paired p, org.openjdk.jmh.infra.Blackhole bh) throws Exception {
    long t0 = System.nanoTime();
    Served<Label> local = s.endpoint.predict(s.row);
    long t1 = System.nanoTime();
    byte[] remote = c.plain.post(s.infer, s.bodyBytes);
    long t2 = System.nanoTime();
    p.record("plain socket", t1 - t0, t2 - t1);
    bh.consume(local);
    return remote;
  }

  /** The plain socket's floor: the emptiest route, no body, no model. */
  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public byte[] httpLiveFloorPlainSocket(Http s, Client c) throws Exception {
    return c.plain.get(s.live);
  }

  /** The transport's floor: the emptiest route, no body, no model. */
  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public String httpLiveFloor(Http s, Client c) throws Exception {
    return c.send(HttpRequest.newBuilder(s.live).GET().build());
  }

  /** Inferences per second from 8 keep-alive clients. */
  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  @Threads(8)
  public String throughput8Clients(Http s, Client c) throws Exception {
    return c.send(HttpRequest.newBuilder(s.infer).POST(HttpRequest.BodyPublishers.ofString(s.body)).build());
  }
}
