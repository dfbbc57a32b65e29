package dev.mlops.api.internal;

import java.util.concurrent.ThreadFactory;

/** Thread factories of the library's background threads: daemons (they never keep a JVM alive), named for thread dumps. */
public final class DaemonThreads {
  private DaemonThreads() {}

  /** A factory of daemon threads all named {@code name}. */
  public static ThreadFactory named(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }
}
