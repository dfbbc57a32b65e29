package dev.mlops.benchmarks;

import dev.mlops.monitoring.Monitor;
import dev.mlops.monitoring.profile.Profile;
import dev.mlops.registry.ModelRegistry;
import dev.mlops.registry.Registration;
import dev.mlops.serving.Endpoint;
import dev.mlops.serving.EndpointStatus;
import dev.mlops.serving.ModelServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.tribuo.classification.Label;

/**
 * A bare endpoint and an endpoint with a 20 % canary, a shadow and logging into a {@link Monitor},
 * side by side in one JVM, one caller thread, as an outsider compares them: windows of one and then
 * the other, alternating, each window's mean latency per request, and the ratio of each pair; then
 * the same with another process keeping one core busy ({@link BusyCore}). Between pairs the full
 * endpoint's background worker finishes what it queued, so that no window pays for another's
 * background work. Also prints the CPU time of the full endpoint's background worker per request,
 * and the machine's load average before and after each mode.
 *
 * <p>{@code java -cp benchmarks/target/benchmarks.jar dev.mlops.benchmarks.ServingSideBySide [seconds per mode] [share]
 * [modes]}: 20 s, the endpoint's default share of a core, {@code quiet,busy}.
 */
public final class ServingSideBySide {
  private static final long WINDOW_NANOS = 250_000_000L;

  private ServingSideBySide() {}

  public static void main(String[] args) throws Exception {
    double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 20;
    double share = args.length > 1 ? Double.parseDouble(args[1]) : Double.NaN;
    List<String> modes = List.of((args.length > 2 ? args[2] : "quiet,busy").split(","));
    try (ModelRegistry registry = ModelRegistry.builder().storage("mem:side-by-side-" + System.nanoTime()).build()) {
      registry.register(Registration.of("m").fromModel(ServingBenchmarks.model(1)));
      registry.register(Registration.of("m").fromModel(ServingBenchmarks.model(2)));
      registry.register(Registration.of("m").fromModel(ServingBenchmarks.model(3)));
      registry.setAlias("m", "champion", 1);
      registry.setAlias("m", "canary", 2);
      List<Map<String, Object>> requests = ServingBenchmarks.requests(1024);
      Profile ref = new Profile();
      for (Map<String, Object> r : requests) {
        ref.update(r);
      }
      for (String mode : modes) {
        try (ModelServer server = ModelServer.builder().registry(registry).meterRegistry(new SimpleMeterRegistry()).build();
            Monitor monitor = Monitor.builder("m").reference(ref).windowRows(10_000).executor(Runnable::run).build()) {
          Endpoint<Label> bare = server.endpoint("bare-" + mode, Label.class).serve("models:/m@champion").build();
          var b = server.endpoint("full-" + mode, Label.class).serve("models:/m@champion").canary("models:/m@canary", 0.2)
              .shadow("next", "models:/m/3").logTo(monitor);
          if (!Double.isNaN(share)) {
            b.backgroundShare(share);
          }
          Endpoint<Label> full = b.build();
          run(mode, bare, full, requests, seconds);
        }
      }
    }
  }

  private static void run(String mode, Endpoint<Label> bare, Endpoint<Label> full, List<Map<String, Object>> requests, double seconds)
      throws IOException, InterruptedException {
    Process spinner = BusyCore.start(mode.equals("busy"));
    try {
      String loadBefore = loadAverage();
      // warm-up: both paths compiled, the background worker's paths too
      window(bare, requests, 2_000_000_000L);
      window(full, requests, 2_000_000_000L);
      full.awaitBackgroundWork(60_000);
      long cpu0 = BackgroundCpu.nanos(full.name());
      EndpointStatus s0 = full.describe();
      long sent0 = served(s0);
      List<Double> bareNs = new ArrayList<>();
      List<Double> fullNs = new ArrayList<>();
      List<Double> ratios = new ArrayList<>();
      List<Double> bareCpu = new ArrayList<>();
      List<Double> fullCpu = new ArrayList<>();
      List<Double> cpuRatios = new ArrayList<>();
      long end = System.nanoTime() + (long) (seconds * 1e9);
      boolean bareFirst = true;
      while (System.nanoTime() < end) {
        double[] x;
        double[] y;
        if (bareFirst) {
          x = window(bare, requests, WINDOW_NANOS);
          y = window(full, requests, WINDOW_NANOS);
        } else {
          y = window(full, requests, WINDOW_NANOS);
          x = window(bare, requests, WINDOW_NANOS);
        }
        full.awaitBackgroundWork(60_000);
        bareFirst = !bareFirst;
        bareNs.add(x[0]);
        fullNs.add(y[0]);
        ratios.add(y[0] / x[0]);
        bareCpu.add(x[1]);
        fullCpu.add(y[1]);
        cpuRatios.add(y[1] / x[1]);
      }
      long cpu = BackgroundCpu.nanos(full.name()) - cpu0;
      EndpointStatus s1 = full.describe();
      long sent = served(s1) - sent0;
      long shadowDropped = s1.shadowDropped() - s0.shadowDropped();
      long logDropped = s1.logging().rowsDropped() - s0.logging().rowsDropped();
      System.out.printf(Locale.ROOT, "%s (load average %s -> %s), %d pairs of %d ms windows, one caller thread:%n", mode, loadBefore,
          loadAverage(), ratios.size(), WINDOW_NANOS / 1_000_000);
      System.out.printf(Locale.ROOT, "  bare endpoint   median %.0f ns/request (quartiles %.0f-%.0f)%n", median(bareNs), quantile(bareNs, 0.25),
          quantile(bareNs, 0.75));
      System.out.printf(Locale.ROOT, "  canary+shadow+monitor median %.0f ns/request (quartiles %.0f-%.0f)%n", median(fullNs),
          quantile(fullNs, 0.25), quantile(fullNs, 0.75));
      System.out.printf(Locale.ROOT, "  ratio per pair: median %.2fx (quartiles %.2f-%.2f)%n", median(ratios), quantile(ratios, 0.25),
          quantile(ratios, 0.75));
      System.out.printf(Locale.ROOT, "  the caller thread's own CPU time: bare %.0f ns/request, full %.0f ns/request, ratio per pair: median %.2fx"
          + " (quartiles %.2f-%.2f)%n", median(bareCpu), median(fullCpu), median(cpuRatios), quantile(cpuRatios, 0.25), quantile(cpuRatios, 0.75));
      System.out.printf(Locale.ROOT, "  background worker: %.3f s CPU for %d requests = %.3f us per request sent; shadowed %.1f %%, logged %.1f %%;"
              + " %.3f us per request shadowed and logged%n", cpu / 1e9, sent, cpu / 1e3 / sent, 100.0 * (sent - shadowDropped) / sent,
          100.0 * (sent - logDropped) / sent, cpu / 1e3 / Math.max(1, Math.max(sent - shadowDropped, sent - logDropped)));
    } finally {
      BusyCore.stop(spinner);
    }
  }

  private static long served(EndpointStatus s) {
    return s.variants().stream().filter(v -> !v.name().equals("next")).mapToLong(EndpointStatus.VariantStatus::requests).sum();
  }

  /**
   * Requests on one thread for about {@code nanos}; the mean wall-clock and the mean CPU time of the
   * calling thread per request, in nanoseconds.
   */
  private static double[] window(Endpoint<Label> e, List<Map<String, Object>> requests, long nanos) {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long cpu = threads.getCurrentThreadCpuTime();
    long start = System.nanoTime();
    long end = start + nanos;
    long n = 0;
    long sink = 0;
    long now;
    do {
      for (int i = 0; i < 1024; i++) {
        sink += e.predict(requests.get(i)).version();
      }
      n += 1024;
      now = System.nanoTime();
    } while (now < end);
    if (sink == 42) {
      System.out.println(sink);
    }
    return new double[] {(double) (now - start) / n, (double) (threads.getCurrentThreadCpuTime() - cpu) / n};
  }

  static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException e) {
      return "unknown";
    }
  }

  static double median(List<Double> xs) {
    return quantile(xs, 0.5);
  }

  static double quantile(List<Double> xs, double q) {
    double[] a = xs.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(a);
    return a.length == 0 ? Double.NaN : a[(int) Math.min(a.length - 1, Math.round(q * (a.length - 1)))];
  }
}
