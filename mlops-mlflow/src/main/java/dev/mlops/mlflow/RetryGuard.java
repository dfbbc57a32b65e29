package dev.mlops.mlflow;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Makes writes safe under MLflow's client retries: a request whose route and body equal one
 * answered within the window gets that answer again without writing (a retried {@code log-batch}
 * adds no points, a retried {@code create-run} gives the same run). A retry that arrives while the
 * first is still being written waits for it. A request that failed is forgotten, so its retry
 * runs again (a failed write left the store as it was). Bounded: the oldest entries go first
 * beyond {@code capacity}. Thread-safe. Held in memory: a retry after the server restarted is
 * written again.
 */
final class RetryGuard {
  private record Entry(CompletableFuture<String> answer, long at) {}

  private final Map<String, Entry> answered = new ConcurrentHashMap<>();
  private final Clock clock;
  private final long windowMillis;
  private final int capacity;

  RetryGuard(Clock clock, long windowMillis, int capacity) {
    this.clock = clock;
    this.windowMillis = windowMillis;
    this.capacity = capacity;
  }

  /** The answer of {@code write}, or the earlier answer of the same request within the window. */
  String once(String route, String body, Supplier<String> write) {
    String key = digest(route, body);
    long now = clock.millis();
    CompletableFuture<String> mine = new CompletableFuture<>();
    Entry entry = answered.compute(key, (k, prior) -> prior == null || now - prior.at() > windowMillis ? new Entry(mine, now) : prior);
    if (entry.answer() != mine) {
      try {
        return entry.answer().join();
      } catch (CompletionException e) {
        // the first attempt failed and was forgotten; this one writes
        return once(route, body, write);
      }
    }
    try {
      String result = write.get();
      mine.complete(result);
      trim(now);
      return result;
    } catch (RuntimeException e) {
      answered.remove(key, entry);
      mine.completeExceptionally(e);
      throw e;
    }
  }

  int size() {
    return answered.size();
  }

  private void trim(long now) {
    if (answered.size() <= capacity) {
      return;
    }
    Iterator<Map.Entry<String, Entry>> it = answered.entrySet().iterator();
    long oldest = Long.MAX_VALUE;
    while (it.hasNext()) {
      Map.Entry<String, Entry> e = it.next();
      if (now - e.getValue().at() > windowMillis && e.getValue().answer().isDone()) {
        it.remove();
      } else {
        oldest = Math.min(oldest, e.getValue().at());
      }
    }
    if (answered.size() > capacity) {
      long cut = oldest;
      answered.entrySet().removeIf(e -> e.getValue().at() <= cut && e.getValue().answer().isDone());
    }
  }

  private static String digest(String route, String body) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      md.update(route.getBytes(StandardCharsets.UTF_8));
      md.update((byte) 0);
      md.update(body.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
