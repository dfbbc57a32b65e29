package dev.mlops.api.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import org.junit.jupiter.api.Test;

/** Background threads are daemons with the names thread dumps show. */
class DaemonThreadsTest {
  @Test
  void namedThreadsShareTheName() {
    ThreadFactory f = DaemonThreads.named("mlops-x");
    Thread a = f.newThread(() -> {});
    Thread b = f.newThread(() -> {});
    assertEquals("mlops-x", a.getName());
    assertEquals("mlops-x", b.getName());
    assertTrue(a.isDaemon() && b.isDaemon());
  }

  @Test
  void numberedThreadsCountFromOne() {
    ThreadFactory f = DaemonThreads.numbered("mlops-pool");
    assertEquals("mlops-pool-1", f.newThread(() -> {}).getName());
    Thread second = f.newThread(() -> {});
    assertEquals("mlops-pool-2", second.getName());
    assertTrue(second.isDaemon());
  }

  @Test
  void startRunsTheBodyOnADaemonThreadOfThatName() throws InterruptedException {
    CountDownLatch ran = new CountDownLatch(1);
    String[] seen = new String[1];
    boolean[] daemon = new boolean[1];
    Thread t = DaemonThreads.start("mlops-one", () -> {
      seen[0] = Thread.currentThread().getName();
      daemon[0] = Thread.currentThread().isDaemon();
      ran.countDown();
    });
    assertTrue(ran.await(60, java.util.concurrent.TimeUnit.SECONDS));
    t.join();
    assertEquals("mlops-one", seen[0]);
    assertTrue(daemon[0]);
  }
}
