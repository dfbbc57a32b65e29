package dev.mlops.api.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** One pass at a time, in order, on any executor; a refusing executor neither runs the work on the caller nor loses it. */
class SerialDrainTest {
  /** An executor that holds what it is given until the test runs it. */
  static final class HeldExecutor implements Executor {
    final Queue<Runnable> held = new ArrayDeque<>();
    boolean refusing;

    @Override
    public void execute(Runnable r) {
      if (refusing) {
        throw new RejectedExecutionException("refusing");
      }
      held.add(r);
    }

    void runAll() {
      Runnable r;
      while ((r = held.poll()) != null) {
        r.run();
      }
    }
  }

  @Nested
  @DisplayName("on a held executor")
  class Held {
    final HeldExecutor executor = new HeldExecutor();
    final List<String> done = new ArrayList<>();
    final Queue<String> work = new ArrayDeque<>();
    final SerialDrain drain = new SerialDrain("test", executor, () -> {
      String w;
      while ((w = work.poll()) != null) {
        done.add(w);
      }
    });

    @Test
    @DisplayName("a request runs nothing on the caller's thread; the executor runs one pass")
    void requestSubmitsOnePass() {
      work.add("a");
      drain.request();
      assertEquals(List.of(), done);
      assertEquals(1, executor.held.size());
      assertFalse(drain.isIdle());
      executor.runAll();
      assertEquals(List.of("a"), done);
      assertTrue(drain.isIdle());
    }

    @Test
    @DisplayName("requests while a pass is queued submit nothing more; everything is taken in order")
    void requestsCoalesce() {
      for (String w : List.of("a", "b", "c")) {
        work.add(w);
        drain.request();
      }
      assertEquals(1, executor.held.size());
      executor.runAll();
      assertEquals(List.of("a", "b", "c"), done);
      assertTrue(drain.isIdle());
    }

    @Test
    @DisplayName("a refusing executor: nothing runs on the caller, the refusal is counted, the work waits for the next request")
    void refusalKeepsTheWork() {
      executor.refusing = true;
      work.add("a");
      drain.request();
      assertEquals(List.of(), done);
      assertEquals(1, drain.refusals());
      assertTrue(drain.isIdle());
      executor.refusing = false;
      work.add("b");
      drain.request();
      executor.runAll();
      assertEquals(List.of("a", "b"), done);
      assertEquals(1, drain.refusals());
    }

    @Test
    @DisplayName("after close, a pass asked for before still runs and later requests are ignored")
    void closeStops() {
      work.add("a");
      drain.request();
      drain.close();
      work.add("b");
      drain.request();
      assertEquals(1, executor.held.size());
      executor.runAll();
      assertEquals(List.of("a", "b"), done, "the pass asked for before close takes what is queued when it runs");
      work.add("c");
      drain.request();
      assertEquals(0, executor.held.size());
      assertEquals(List.of("a", "b"), done);
      assertTrue(drain.isIdle());
    }
  }

  @Test
  @DisplayName("a request made by the pass itself on a same-thread executor runs one more pass after it, without recursion")
  void reentrantRequestDoesNotRecurse() {
    AtomicInteger passes = new AtomicInteger();
    AtomicInteger depth = new AtomicInteger();
    AtomicInteger maxDepth = new AtomicInteger();
    SerialDrain[] self = new SerialDrain[1];
    self[0] = new SerialDrain("test", Runnable::run, () -> {
      maxDepth.accumulateAndGet(depth.incrementAndGet(), Math::max);
      if (passes.incrementAndGet() < 3) {
        self[0].request();
      }
      depth.decrementAndGet();
    });
    self[0].request();
    assertEquals(3, passes.get());
    assertEquals(1, maxDepth.get());
    assertTrue(self[0].isIdle());
  }

  @Test
  @DisplayName("a pass that throws is counted and the next request still runs one")
  void failingPassIsCounted() {
    AtomicInteger passes = new AtomicInteger();
    SerialDrain drain = new SerialDrain("test", Runnable::run, () -> {
      if (passes.incrementAndGet() == 1) {
        throw new IllegalStateException("boom");
      }
    });
    drain.request();
    drain.request();
    assertEquals(2, passes.get());
    assertEquals(1, drain.failures());
  }

  @Test
  @DisplayName("on a pool of four threads with four requesting threads, passes never overlap and the last pass sees every item")
  void passesNeverOverlapOnAPool() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    Queue<Integer> work = new ConcurrentLinkedQueue<>();
    AtomicInteger inPass = new AtomicInteger();
    AtomicInteger overlaps = new AtomicInteger();
    List<Integer> taken = new ArrayList<>();
    SerialDrain drain = new SerialDrain("test", pool, () -> {
      if (inPass.incrementAndGet() > 1) {
        overlaps.incrementAndGet();
      }
      Integer w;
      while ((w = work.poll()) != null) {
        taken.add(w);
      }
      inPass.decrementAndGet();
    });
    int threads = 4;
    int each = 2_000;
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> requesters = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int base = t * each;
      requesters.add(DaemonThreads.start("requester-" + t, () -> {
        try {
          start.await();
        } catch (InterruptedException e) {
          return;
        }
        for (int i = 0; i < each; i++) {
          work.add(base + i);
          drain.request();
        }
      }));
    }
    start.countDown();
    for (Thread t : requesters) {
      t.join();
    }
    assertTrue(drain.awaitIdle(60, TimeUnit.SECONDS));
    pool.shutdown();
    assertEquals(0, overlaps.get());
    assertEquals(threads * each, taken.size());
    assertTrue(work.isEmpty());
  }
}
