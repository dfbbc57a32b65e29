package dev.mlops.benchmarks;

import dev.mlops.api.StorageBackend;
import dev.mlops.api.tracking.LifecycleStage;
import dev.mlops.api.tracking.Metric;
import dev.mlops.api.tracking.RunInfo;
import dev.mlops.api.tracking.RunStatus;
import dev.mlops.mlflow.MlflowServer;
import dev.mlops.testkit.PostgresServer;
import dev.mlops.tracking.RunQuery;
import dev.mlops.tracking.Tracker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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

/**
 * The MLflow server under 20 concurrent clients, as MLflow's own load test runs it
 * ({@code mlflow/mlflow-go-backend:benchmarks/k6LogBatchPerfScript.js}: 20 virtual users, 30 s):
 * {@code runs/log-batch} of 10 metrics to the client's run, {@code runs/create}, and
 * {@code runs/search} answering 100 runs of an experiment of 1,000, each over HTTP (the JDK's
 * client, keep-alive, one per thread) beside the same call made in process on the same store
 * ({@code file:} or PostgreSQL, {@code -p backendKind=}) in the same run. Sample time gives the median and the p99. Run with
 * {@code java -jar benchmarks/target/benchmarks.jar MlflowServerBenchmarks}.
 */
@Fork(1)
@Threads(20)
@Warmup(iterations = 1, time = 10)
@Measurement(iterations = 1, time = 30)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class MlflowServerBenchmarks {
  /** A {@code file:} store with an experiment of 1,000 runs, the server on it at a free port and a tracker beside it. */
  @State(Scope.Benchmark)
  public static class Server {
    /** {@code file} (SQLite and files in a temporary folder) or {@code postgres} (an embedded server's new database). */
    @Param({"file", "postgres"})
    String backendKind;
    Path dir;
    StorageBackend store;
    MlflowServer server;
    Tracker tracker;
    String experiment;
    String searchBody;
    byte[] searchBytes;
    String api;
    int port;

    @Setup(Level.Trial)
    public void setup() throws IOException {
      dir = Files.createTempDirectory("mlflow-bench");
      store = StorageBackend.open(backendKind.equals("file") ? "file:" + dir.resolve("mlops") : PostgresServer.newDatabase());
      server = MlflowServer.builder().storage(store).port(0).threads(20).start();
      tracker = Tracker.builder().storage(store).captureSystemTags(false).build();
      experiment = tracker.createExperiment("searched").id();
      for (int i = 0; i < 1000; i++) {
        try (var run = tracker.startRun("searched")) {
          run.logMetric("acc", (i % 97) / 97.0);
          run.logParam("model", i % 2 == 0 ? "sgd" : "tree");
        }
      }
      searchBody = "{\"experiment_ids\": [\"" + experiment + "\"], \"max_results\": 100, \"order_by\": [\"metrics.acc DESC\"]}";
      searchBytes = searchBody.getBytes(java.nio.charset.StandardCharsets.UTF_8);
      api = server.url() + "/api/2.0/mlflow/";
      port = URI.create(server.url()).getPort();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
      tracker.close();
      server.close();
      store.close();
      try (var files = Files.walk(dir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /**
   * One client: its own HTTP clients (the JDK's, and a plain socket that measures what the server and the
   * loopback take, as MLflow's k6 load test or {@code curl} would) and run, and a step counter so every batch is new.
   */
  @State(Scope.Thread)
  public static class Client {
    HttpClient http;
    PlainHttp plain;
    String runId;
    long step;

    @Setup(Level.Trial)
    public void setup(Server s) throws Exception {
      http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      plain = new PlainHttp(s.port);
      runId = newRun(s);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
      plain.close();
    }

    byte[] postPlain(String url, String body) {
      try {
        return plain.post(URI.create(url), body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    String batchBody(long at) {
      StringBuilder b = new StringBuilder("{\"run_id\": \"").append(runId).append("\", \"metrics\": [");
      for (int i = 0; i < 10; i++) {
        b.append(i == 0 ? "" : ", ").append("{\"key\": \"m").append(i).append("\", \"value\": ").append(at * 0.5 + i)
            .append(", \"timestamp\": ").append(1_700_000_000_000L + at).append(", \"step\": ").append(at).append('}');
      }
      return b.append("]}").toString();
    }

    List<Metric> batch(long at) {
      List<Metric> out = new ArrayList<>(10);
      for (int i = 0; i < 10; i++) {
        out.add(new Metric("m" + i, at * 0.5 + i, 1_700_000_000_000L + at, at));
      }
      return out;
    }

    String post(String url, String body) {
      try {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.ofString(body))
            .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
          throw new IllegalStateException(url + " answered " + r.statusCode() + ": " + r.body());
        }
        return r.body();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  @Benchmark
  public String httpLogBatch(Server s, Client c) {
    return c.post(s.api + "runs/log-batch", c.batchBody(c.step++));
  }

  @Benchmark
  public byte[] httpLogBatchPlainSocket(Server s, Client c) {
    return c.postPlain(s.api + "runs/log-batch", c.batchBody(c.step++));
  }

  @Benchmark
  public long inProcessLogBatch(Server s, Client c) {
    long at = c.step++;
    s.tracker.store().logBatch(c.runId, c.batch(at), Map.of(), Map.of());
    return at;
  }

  @Benchmark
  public String httpCreateRun(Server s, Client c) {
    return c.post(s.api + "runs/create", "{\"experiment_id\": \"" + s.experiment + "\", \"start_time\": " + (1_700_000_000_000L + c.step++) + "}");
  }

  @Benchmark
  public byte[] httpCreateRunPlainSocket(Server s, Client c) {
    return c.postPlain(s.api + "runs/create", "{\"experiment_id\": \"" + s.experiment + "\", \"start_time\": " + (1_700_000_000_000L + c.step++)
        + "}");
  }

  @Benchmark
  public String inProcessCreateRun(Server s, Client c) {
    c.step++;
    return newRun(s);
  }

  /** What {@code runs/create} writes, made in process: one store call with a new run's info and its name tag. */
  static String newRun(Server s) {
    String id = java.util.UUID.randomUUID().toString().replace("-", "");
    long now = System.currentTimeMillis();
    s.tracker.store().createRun(new RunInfo(id, s.experiment, "run-" + id.substring(0, 8), RunStatus.RUNNING, "bench", now, -1,
        LifecycleStage.ACTIVE, "mlflow-artifacts:/" + s.experiment + "/" + id + "/artifacts", ""), Map.of("mlflow.runName", "run-" + id.substring(0, 8)),
        Map.of());
    return id;
  }

  @Benchmark
  public String httpSearch100(Server s, Client c) {
    return c.post(s.api + "runs/search", s.searchBody);
  }

  @Benchmark
  public byte[] httpSearch100PlainSocket(Server s, Client c) {
    try {
      return c.plain.post(URI.create(s.api + "runs/search"), s.searchBytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Benchmark
  public int inProcessSearch100(Server s) {
    return s.tracker.searchRuns(RunQuery.builder().experiments(s.experiment).orderBy("metrics.acc DESC").maxResults(100).build()).items().size();
  }
}
