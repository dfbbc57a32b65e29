package dev.mlops.benchmarks;

import dev.mlops.api.StorageBackend;
import dev.mlops.monitoring.Monitor;
import dev.mlops.monitoring.Retention;
import dev.mlops.monitoring.profile.Profile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

/**
 * Bytes on disk of a {@code file:} monitoring store as windows are stored, under several retention
 * policies: a monitor of 10 columns (8 numerical, 2 categorical) with windows of 1,000 rows, its
 * reports computed on the logging thread. Prints, every 500 windows, the store's size and what the
 * last 500 windows added per window and per logged row (request). Not a JMH benchmark: run with
 * {@code java -cp benchmarks/target/benchmarks.jar dev.mlops.benchmarks.MonitorStoreGrowth [windows]}.
 */
public final class MonitorStoreGrowth {
  private static final int WINDOW_ROWS = 1_000;
  private static final String[] CHANNELS = {"web", "app", "shop", "phone", "partner"};
  private static final String[] REGIONS = {"eu", "us", "apac"};

  private MonitorStoreGrowth() {}

  /** Runs every policy for {@code args[0]} windows (default 2,000). */
  public static void main(String[] args) throws IOException {
    int windows = args.length > 0 ? Integer.parseInt(args[0]) : 2_000;
    Map<String, Retention> policies = new LinkedHashMap<>();
    policies.put("keepAll", Retention.keepAll());
    policies.put("defaults (1,000 full)", Retention.defaults());
    policies.put("100 full", Retention.builder().fullWindows(100).build());
    policies.put("100 full, 1,000 kept", Retention.builder().fullWindows(100).summaryWindows(1_000).build());
    for (Map.Entry<String, Retention> p : policies.entrySet()) {
      measure(p.getKey(), p.getValue(), windows);
    }
  }

  private static Map<String, Object> row(Random r) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int c = 0; c < 8; c++) {
      m.put("x" + c, 10 * c + r.nextGaussian() * (1 + c));
    }
    m.put("channel", CHANNELS[r.nextInt(CHANNELS.length)]);
    m.put("region", REGIONS[r.nextInt(REGIONS.length)]);
    return m;
  }

  private static void measure(String name, Retention retention, int windows) throws IOException {
    Path dir = Files.createTempDirectory("monitor-store-growth");
    Random r = new Random(1);
    Profile reference = new Profile();
    for (int i = 0; i < 100_000; i++) {
      reference.update(row(r));
    }
    long before = 0;
    try (StorageBackend backend = StorageBackend.open("file:" + dir);
        Monitor m = Monitor.builder("growth").reference(reference).windowRows(WINDOW_ROWS).retention(retention).storage(backend)
            .executor(Runnable::run).build()) {
      System.out.printf(Locale.ROOT, "%s: reference profile %,d bytes%n", name, reference.toBytes().length);
      for (int w = 1; w <= windows; w++) {
        for (int i = 0; i < WINDOW_ROWS; i++) {
          m.log(row(r));
        }
        if (w % 500 == 0) {
          long size = size(dir);
          System.out.printf(Locale.ROOT, "  %,6d windows: %,13d bytes; the last 500 added %,9.0f bytes per window, %,7.1f per row%n", w, size,
              (size - before) / 500.0, (size - before) / 500.0 / WINDOW_ROWS);
          before = size;
        }
      }
    } finally {
      delete(dir);
    }
  }

  private static long size(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).mapToLong(f -> {
        try {
          return Files.size(f);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }).sum();
    }
  }

  private static void delete(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(f);
      }
    }
  }
}
