package dev.mlops.benchmarks;

import dev.mlops.api.StorageBackend;
import dev.mlops.api.tracking.Experiment;
import dev.mlops.api.tracking.TrackingStore;
import dev.mlops.api.tracking.ViewType;
import dev.mlops.tracking.RunQuery;
import dev.mlops.tracking.Tracker;
import dev.mlops.ui.MlopsUi;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * The web UI's runs page on a {@code file:} store of 100,000 runs: the time from the page's request
 * for its first data to the last byte of the answer, over HTTP on the loopback (each answer
 * also carries the server's own time in its {@code Server-Timing} header). Target: 300 ms. Run
 * with {@code java -jar benchmarks/target/benchmarks.jar UiBenchmarks}; {@code -p busy=false,true}
 * adds the same with another process keeping one core busy ({@link BusyCore}). The client is the
 * JDK's {@link HttpClient} on one keep-alive HTTP/1.1 connection ({@code -p client=HTTP_2}: the
 * client's default, which asks the server to upgrade). Beside
 * the pages over HTTP, the same filtered search through the tracking API in the same JVM
 * ({@code searchFilteredInProcess}) is the floor; at the end of each run the median of the server's
 * own time (its {@code Server-Timing}) is printed beside the median the client measured, so the
 * gap is the HTTP round trip's.
 */
@Fork(1)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 5)
public class UiBenchmarks {
  /** A file: store with 100,000 runs (two metrics, two params, a tag each) and the UI on it. */
  @State(Scope.Benchmark)
  public static class Ui {
    @Param({"false"})
    public boolean busy;
    /** The client's HTTP version: HTTP_2 is the JDK client's default (it asks for an upgrade, which the server declines). */
    @Param({"HTTP_1_1"})
    public String client;
    Process spinner;
    PlainHttp plain;
    Tracker tracker;
    RunQuery filteredQuery;
    RunQuery allExperimentsQuery;
    final Map<URI, List<double[]>> timings = new ConcurrentHashMap<>();
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
      http = HttpClient.newBuilder().version(HttpClient.Version.valueOf(client)).build();
      tracker = Tracker.builder().storage(backend).build();
      filteredQuery = RunQuery.builder().experiments("e1").filter("metrics.acc > 0.5 AND params.model = 'sgd'").orderBy("metrics.acc DESC")
          .maxResults(100).build();
      allExperimentsQuery = RunQuery.builder()
          .experiments(tracker.listExperiments(ViewType.ACTIVE_ONLY).stream().map(Experiment::id).toArray(String[]::new))
          .filter("metrics.acc > 0.5 AND params.model = 'sgd'").orderBy("metrics.acc DESC").maxResults(100).build();
      System.out.println("\n[active experiments: " + tracker.listExperiments(ViewType.ACTIVE_ONLY).stream().map(Experiment::id).toList() + "]");
      firstPage = URI.create(ui.url() + "api/runs");
      filtered = URI.create(ui.url() + "api/runs?filter=" + URLEncoder.encode("metrics.acc > 0.5 AND params.model = 'sgd'", StandardCharsets.UTF_8)
          + "&order=" + URLEncoder.encode("metrics.acc DESC", StandardCharsets.UTF_8));
      String body = get(firstPage);
      int at = body.indexOf("\"next\":\"");
      nextPage = URI.create(ui.url() + "api/runs?page=" + URLEncoder.encode(body.substring(at + 8, body.indexOf('"', at + 8)),
          StandardCharsets.UTF_8));
      timings.clear();
      spinner = BusyCore.start(busy);
    }

    String get(URI uri) throws Exception {
      long start = System.nanoTime();
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
      long total = System.nanoTime() - start;
      if (r.statusCode() != 200 || !r.body().startsWith("{\"runs\":[{")) {
        throw new IllegalStateException(uri + " answered " + r.statusCode() + ": " + r.body());
      }
      String server = r.headers().firstValue("Server-Timing").orElse("app;dur=NaN");
      timings.computeIfAbsent(uri, u -> Collections.synchronizedList(new ArrayList<>()))
          .add(new double[] {total / 1e6, Double.parseDouble(server.substring(server.indexOf('=') + 1))});
      return r.body();
    }

    /** GET on a kept plain socket (HTTP/1.1, keep-alive), the body read by its Content-Length; its length. */
    int plainGet(URI uri) throws Exception {
      if (plain == null) {
        plain = new PlainHttp(uri.getPort());
      }
      byte[] body = plain.get(uri);
      if (body.length == 0 || body[0] != '{') {
        throw new IllegalStateException(uri + " answered " + body.length + " bytes that are not a JSON object");
      }
      return body.length;
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
      BusyCore.stop(spinner);
      if (plain != null) {
        plain.close();
      }
      timings.forEach((uri, list) -> {
        double[] total = list.stream().mapToDouble(t -> t[0]).sorted().toArray();
        double[] server = list.stream().mapToDouble(t -> t[1]).sorted().toArray();
        if (total.length > 0) {
          System.out.printf(Locale.ROOT, "%n%s: %d requests, median %.2f ms at the client, %.2f ms in the server (Server-Timing)%n",
              uri.getRawQuery() == null ? uri.getPath() : uri.getPath() + "?" + uri.getRawQuery(), total.length, total[total.length / 2],
              server[server.length / 2]);
        }
      });
      tracker.close();
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

  /**
   * The filtered page again, from a plain blocking socket on one keep-alive connection instead of
   * the JDK's client (which hands each answer from its selector thread to the caller): what the
   * client's own threads add to the round trip.
   */
  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public int runsPageFilteredPlainSocket(Ui s) throws Exception {
    return s.plainGet(s.filtered);
  }

  /** The floor: the same filtered, ordered search through the tracking API in this JVM, no HTTP, no JSON. */
  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public Object searchFilteredInProcess(Ui s) {
    return s.tracker.searchRuns(s.filteredQuery).items();
  }

  /** The same search as the UI makes it: over every active experiment, as the runs page asks when none is chosen. */
  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public Object searchFilteredAllExperimentsInProcess(Ui s) {
    return s.tracker.searchRuns(s.allExperimentsQuery).items();
  }

  /** The next page by its keyset token. */
  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public String runsPageSecondPage(Ui s) throws Exception {
    return s.get(s.nextPage);
  }
}
