package dev.mlops.benchmarks;

import dev.mlops.monitoring.Monitor;
import dev.mlops.monitoring.MonitorBuilder;
import dev.mlops.monitoring.performance.PredictionLog;
import dev.mlops.monitoring.profile.Profile;
import dev.mlops.registry.ModelRegistry;
import dev.mlops.registry.Registration;
import dev.mlops.serving.Endpoint;
import dev.mlops.serving.EndpointStatus;
import dev.mlops.serving.ModelServer;
import dev.mlops.serving.Served;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.tribuo.classification.Label;

/**
 * A soak run of one endpoint as a service runs it for hours: a champion, a 20 % canary, a shadow, a
 * {@link Monitor} and a {@link PredictionLog}, four caller threads predicting at full speed and
 * sending each answer's true label as feedback. Every report interval it prints the heap used
 * after a full collection and the counts; at the end it drains the background work and checks
 * that the counts reconcile: the rows the monitor saw equal the rows handed to logging minus the
 * rows dropped, and every label sent joined. Exits 1 when they do not.
 *
 * <pre>{@code
 * java -Xmx512m -cp benchmarks/target/benchmarks.jar dev.mlops.benchmarks.ServingSoak 10m
 * java -Xmx512m -cp benchmarks/target/benchmarks.jar dev.mlops.benchmarks.ServingSoak 60s 10s --monitor-on-log-thread
 * }</pre>
 *
 * <p>Arguments: the duration (default 10m), the report interval (default 30s), and
 * {@code --monitor-on-log-thread} to run the monitor's window reports on the endpoint's logging
 * thread ({@code executor(Runnable::run)}) instead of the monitor's own thread.
 */
public final class ServingSoak {
  private static final int CALLERS = 4;
  private static final int FEEDBACK_WINDOW = 100_000;

  private ServingSoak() {}

  public static void main(String[] args) throws Exception {
    Duration duration = args.length > 0 ? parse(args[0]) : Duration.ofMinutes(10);
    Duration every = args.length > 1 && !args[1].startsWith("--") ? parse(args[1]) : Duration.ofSeconds(30);
    boolean onLogThread = List.of(args).contains("--monitor-on-log-thread");
    List<Map<String, Object>> requests = ServingBenchmarks.requests(4096);
    Profile reference = new Profile();
    for (Map<String, Object> r : requests) {
      reference.update(r);
    }
    MonitorBuilder mb = Monitor.builder("soak").reference(reference).windowRows(10_000);
    if (onLogThread) {
      mb.executor(Runnable::run);
    }
    try (ModelRegistry registry = ModelRegistry.builder().storage("mem:soak-" + System.nanoTime()).build();
        Monitor monitor = mb.build();
        PredictionLog log = PredictionLog.builder("soak").windowSize(1000).retainWindows(100).build();
        ModelServer server = ModelServer.builder().registry(registry).build()) {
      for (int v = 1; v <= 3; v++) {
        registry.register(Registration.of("m").fromModel(ServingBenchmarks.model(v)));
      }
      registry.setAlias("m", "champion", 1);
      registry.setAlias("m", "canary", 2);
      Endpoint<Label> endpoint = server.endpoint("soak", Label.class).serve("models:/m@champion").canary("models:/m@canary", 0.2)
          .shadow("next", "models:/m/3").feedback(FEEDBACK_WINDOW, false).logTo(monitor).predictionLog(log, "yes").build();
      AtomicBoolean stop = new AtomicBoolean();
      LongAdder answered = new LongAdder();
      LongAdder refused = new LongAdder();
      // answers given so far, to tell a label refused although it was among the last FEEDBACK_WINDOW answers (a
      // defect) from one refused because a caller stalled so long that a full window of newer answers passed it
      AtomicLong given = new AtomicLong();
      LongAdder refusedInWindow = new LongAdder();
      List<Thread> callers = new ArrayList<>();
      for (int t = 0; t < CALLERS; t++) {
        int offset = t * 1024;
        Thread th = new Thread(() -> {
          int i = offset;
          while (!stop.get()) {
            Map<String, Object> request = requests.get(i++ & 4095);
            long before = given.get();
            Served<Label> s = endpoint.predict(request);
            given.incrementAndGet();
            answered.increment();
            if (!endpoint.feedback(s.requestId(), new Label(truth(request)))) {
              refused.increment();
              // at most this many answers were registered after this one (the other callers' answers given but
              // not yet counted included); fewer than the window means the window lost an answer it must hold
              if (given.get() - before + CALLERS < FEEDBACK_WINDOW) {
                refusedInWindow.increment();
              }
            }
          }
        }, "soak-caller-" + t);
        th.start();
        callers.add(th);
      }
      System.out.printf(Locale.ROOT, "soak: %s, %d callers, a 20 %% canary, a shadow, a monitor (reports on %s) and a prediction log;"
          + " heap max %d MB%n", duration, CALLERS, onLogThread ? "the logging thread" : "its own thread",
          Runtime.getRuntime().maxMemory() >> 20);
      System.out.println("   time   requests      req/s  heap MB   rows logged  rows dropped  monitor rows  windows  labels dropped"
          + "  labels unjoined");
      long start = System.nanoTime();
      long end = start + duration.toNanos();
      long last = 0;
      long lastTime = start;
      List<Long> heaps = new ArrayList<>();
      while (System.nanoTime() < end) {
        Thread.sleep(Math.min(every.toMillis(), Math.max(1, (end - System.nanoTime()) / 1_000_000)));
        long now = answered.sum();
        long time = System.nanoTime();
        double rate = (now - last) * 1e9 / (time - lastTime);
        heaps.add(usedAfterGc());
        print(start, now, rate, heaps.get(heaps.size() - 1), endpoint.describe().logging(), monitor);
        last = now;
        lastTime = time;
      }
      stop.set(true);
      for (Thread t : callers) {
        t.join();
      }
      boolean drained = endpoint.awaitBackgroundWork(60_000);
      monitor.flush();
      EndpointStatus status = endpoint.describe();
      EndpointStatus.Logging logging = status.logging();
      Monitor.Stats stats = monitor.stats();
      System.out.println(status);
      System.out.printf(Locale.ROOT, "%nrequests %,d, labels refused by the feedback window %,d (of them for one of the last %,d"
          + " answers: %,d; the others came after a caller stalled while a full window of newer answers passed); heap after GC:"
          + " first %d MB, last %d MB, highest %d MB%n", answered.sum(), refused.sum(), FEEDBACK_WINDOW, refusedInWindow.sum(),
          heaps.isEmpty() ? 0 : heaps.get(0) >> 20,
          heaps.isEmpty() ? 0 : heaps.get(heaps.size() - 1) >> 20, heaps.stream().mapToLong(Long::longValue).max().orElse(0) >> 20);
      long expected = logging.rows() - logging.rowsDropped();
      // the monitor's own books: every row it was given was analysed or dropped with its whole window
      boolean monitorBooks = stats.rows() == stats.rowsAnalysed() + stats.rowsDropped() && stats.pendingWindows() == 0;
      boolean reconciled = drained && stats.rows() == expected && monitorBooks && refusedInWindow.sum() == 0 && logging.rows() == answered.sum();
      System.out.printf(Locale.ROOT, "monitor rows %,d %s rows logged %,d - rows dropped %,d = %,d; background work drained: %s -> %s%n",
          stats.rows(), stats.rows() == expected ? "=" : "!=", logging.rows(), logging.rowsDropped(), expected, drained,
          reconciled ? "RECONCILED" : "NOT RECONCILED");
      System.out.printf(Locale.ROOT, "monitor: rows %,d = analysed %,d + dropped with whole windows %,d (%,d windows dropped): %s%n",
          stats.rows(), stats.rowsAnalysed(), stats.rowsDropped(), stats.windowsDropped(), monitorBooks ? "yes" : "NO");
      if (!reconciled) {
        System.exit(1);
      }
    }
  }

  /** The label a request's answer is judged against: the first three features carry the signal of the benchmarks' models. */
  static String truth(Map<String, Object> request) {
    double s = 0;
    for (int j = 0; j < 3; j++) {
      s += ((Number) request.get(ServingBenchmarks.NAMES[j])).doubleValue();
    }
    return s > 1.5 ? "yes" : "no";
  }

  private static void print(long start, long total, double rate, long heap, EndpointStatus.Logging l, Monitor m) {
    Monitor.Stats st = m.stats();
    System.out.printf(Locale.ROOT, "%6ds %,10d %,10.0f %8d %,13d %,13d %,13d %,8d %,15d %,16d%n", (System.nanoTime() - start) / 1_000_000_000L,
        total, rate, heap >> 20, l.rows(), l.rowsDropped(), st.rows(), st.windows(), l.labelsDropped(),
        l.labelsUnjoined());
  }

  private static long usedAfterGc() {
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  static Duration parse(String s) {
    String t = s.trim().toLowerCase(Locale.ROOT);
    long n = Long.parseLong(t.replaceAll("[a-z]+$", ""));
    return t.endsWith("ms") ? Duration.ofMillis(n) : t.endsWith("m") ? Duration.ofMinutes(n) : t.endsWith("h") ? Duration.ofHours(n)
        : Duration.ofSeconds(n);
  }
}
