package dev.mlops.benchmarks;

import dev.mlops.api.StorageBackend;
import dev.mlops.api.tracking.TrackingStore;
import dev.mlops.ui.MlopsUi;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
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
 * The web UI's runs page on a {@code file:} store of 100,000 runs: the time from the page's request
 * for its first data to the last byte of the answer, over HTTP on the loopback (each answer
 * also carries the server's own time in its {@code Server-Timing} header). Target: 300 ms. Run
 * with {@code java -jar benchmarks/target/benchmarks.jar UiBenchmarks}.
 */
@Fork(1)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 5)
public class UiBenchmarks {
  /** A file: store with 100,000 runs (two metrics, two params, a tag each) and the UI on it. */
  @State(Scope.Benchmark)
  public static class Ui {
    Path dir;
    StorageBackend backend;
    MlopsUi ui;
    HttpClient http;
    URI firstPage;
    URI filtered;
    URI nextPage;

    @Setup(Level.Trial)
    public void setup() throws Exception {
      dir = TrackingBenchmarks.tempDir("bench-ui-");
      backend = StorageBackend.open("file:" + dir);
      TrackingBenchmarks.fillRuns(backend.store(TrackingStore.class), 100_000);
      ui = MlopsUi.builder().storage(backend).port(0).start();
      http = HttpClient.newHttpClient();
      firstPage = URI.create(ui.url() + "api/runs");
      filtered = URI.create(ui.url() + "api/runs?filter=" + URLEncoder.encode("metrics.acc > 0.5 AND params.model = 'sgd'", StandardCharsets.UTF_8)
          + "&order=" + URLEncoder.encode("metrics.acc DESC", StandardCharsets.UTF_8));
      String body = get(firstPage);
      int at = body.indexOf("\"next\":\"");
      nextPage = URI.create(ui.url() + "api/runs?page=" + URLEncoder.encode(body.substring(at + 8, body.indexOf('"', at + 8)),
          StandardCharsets.UTF_8));
    }

    String get(URI uri) throws Exception {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200 || !r.body().startsWith("{\"runs\":[{")) {
        throw new IllegalStateException(uri + " answered " + r.statusCode() + ": " + r.body());
      }
      return r.body();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      ui.close();
      backend.close();
      TrackingBenchmarks.deleteTree(dir);
    }
  }

  /** What the runs page asks first: the newest 100 runs of every experiment, with their params, metrics and tags. */
  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public String runsPageFirstData(Ui s) throws Exception {
    return s.get(s.firstPage);
  }

  /** The same with a filter on a metric and a param, ordered by the metric (about 12,500 matches). */
  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public String runsPageFilteredAndOrdered(Ui s) throws Exception {
    return s.get(s.filtered);
  }

  /** The next page by its keyset token. */
  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public String runsPageSecondPage(Ui s) throws Exception {
    return s.get(s.nextPage);
  }
}
