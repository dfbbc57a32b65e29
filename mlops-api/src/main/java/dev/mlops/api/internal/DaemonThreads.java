package dev.mlops.api.internal;

import java.util.Objects;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The library's background threads: daemons (they never keep a JVM alive), named for thread dumps.
 * One executor's threads share a name ({@link #named}) or are numbered ({@link #numbered}); a
 * dedicated thread is started by {@link #start}.
 */
public final class DaemonThreads {
  private DaemonThreads() {}

  /** A factory of daemon threads all named {@code name} (for a single-thread executor). */
  public static ThreadFactory named(String name) {
    Objects.requireNonNull(name, "name");
    return r -> daemon(r, name);
  }

  /** A factory of daemon threads named {@code name-1}, {@code name-2}, ... (for a pool). */
  public static ThreadFactory numbered(String name) {
    Objects.requireNonNull(name, "name");
    AtomicInteger n = new AtomicInteger();
    return r -> daemon(r, name + "-" + n.incrementAndGet());
  }

  /** Starts {@code body} on a new daemon thread named {@code name}; returns the thread. */
  public static Thread start(String name, Runnable body) {
    Thread t = daemon(Objects.requireNonNull(body, "body"), Objects.requireNonNull(name, "name"));
    t.start();
    return t;
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }
}
