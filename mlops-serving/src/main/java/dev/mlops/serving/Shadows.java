package dev.mlops.serving;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import org.tribuo.Example;
import org.tribuo.Output;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.regression.Regressor;

/**
 * Shadow traffic: every request is handed (without blocking, through a bounded queue that drops
 * and counts when full) to a background worker that runs it on each shadow variant and compares
 * the shadow's answer with the one returned to the caller: agreement (same label; for a regressor,
 * within 1 % of the returned value) and the difference of the returned output's score. A slow or
 * failing shadow never slows or fails the caller. Runs on the endpoint's background worker ({@link Handoff}).
 */
final class Shadows<T extends Output<T>> {
  private final Scope<T> scope;
  private final List<Variant<T>> shadows;
  private final Handoff.Lane<Answered<T>> lane;
  private final Map<String, Figures> figures = new ConcurrentHashMap<>();
  private final LongAdder dropped = new LongAdder();

  private static final class Figures {
    final LongAdder compared = new LongAdder();
    final LongAdder agreed = new LongAdder();
    final DoubleAdder scoreDiff = new DoubleAdder();
    final LongAdder scored = new LongAdder();
  }

  Shadows(Scope<T> scope, List<Variant<T>> shadows, Handoff worker, int queue) {
    this.scope = scope;
    this.shadows = shadows;
    for (Variant<T> v : shadows) {
      figures.put(v.name, new Figures());
    }
    this.lane = worker.lane(queue, this::run);
  }

  /**
   * Whether the next request is to be shadowed: false (and counted as dropped) while the queue is
   * known to be full, so that the caller builds nothing for it.
   */
  boolean admit() {
    if (lane.skipping()) {
      dropped.increment();
      return false;
    }
    return true;
  }

  /** Queues a detached request for the shadows. */
  void offer(Answered<T> job) {
    if (!lane.offer(job)) {
      dropped.increment();
    }
  }

  private void run(Answered<T> job) {
    for (Variant<T> v : shadows) {
      Variant.Active<T> a = v.active();
      while (a != null && !a.acquire()) {
        // retired meanwhile: its successor serves, unless the endpoint closed
        Variant.Active<T> next = v.active();
        a = next == a ? null : next;
      }
      if (a == null) {
        continue;
      }
      long start = scope.ticker().getAsLong();
      try {
        InputSchema.Problems problems = new InputSchema.Problems();
        Example<T> ex = job.request().example(a.schema, scope.unknown(), problems);
        Prediction<T> p = a.model.predict(ex);
        long latency = scope.ticker().getAsLong() - start;
        v.window.compared(latency);
        Figures f = figures.get(v.name);
        f.compared.increment();
        boolean agreed = agrees(job.served().output(), p.getOutput());
        if (agreed) {
          f.agreed.increment();
        }
        Output<?> returned = job.served().output();
        if (returned instanceof Label l) {
          Object s = p.getOutputScores().get(l.getLabel());
          if (s instanceof Label sl) {
            f.scoreDiff.add(Math.abs(sl.getScore() - l.getScore()));
            f.scored.increment();
          }
        }
        scope.metrics().shadow(scope.endpoint(), v.name, agreed);
      } catch (RuntimeException e) {
        long latency = scope.ticker().getAsLong() - start;
        v.window.failed(latency);
        scope.metrics().failed(scope.endpoint(), v.name, "shadow_error");
      } finally {
        a.release();
      }
    }
  }

  private static boolean agrees(Output<?> a, Output<?> b) {
    if (a instanceof Regressor ra && b instanceof Regressor rb) {
      double[] x = ra.getValues();
      double[] y = rb.getValues();
      if (x.length != y.length) {
        return false;
      }
      for (int i = 0; i < x.length; i++) {
        if (Math.abs(x[i] - y[i]) > 0.01 * Math.max(Math.abs(x[i]), 1e-9)) {
          return false;
        }
      }
      return true;
    }
    if (a instanceof Label la && b instanceof Label lb) {
      return la.getLabel().equals(lb.getLabel());
    }
    return a.getSerializableForm(false).equals(b.getSerializableForm(false));
  }

  double agreement(Variant<?> v) {
    Figures f = figures.get(v.name);
    long n = f.compared.sum();
    return n == 0 ? Double.NaN : (double) f.agreed.sum() / n;
  }

  double meanScoreDifference(Variant<?> v) {
    Figures f = figures.get(v.name);
    long n = f.scored.sum();
    return n == 0 ? Double.NaN : f.scoreDiff.sum() / n;
  }

  int depth() {
    return lane.depth();
  }

  /** Requests not shadowed because the queue was full. */
  long dropped() {
    return dropped.sum();
  }
}
