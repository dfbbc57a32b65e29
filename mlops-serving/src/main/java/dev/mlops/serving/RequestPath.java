package dev.mlops.serving;

import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;
import org.tribuo.Example;
import org.tribuo.Output;
import org.tribuo.Prediction;

/**
 * An endpoint's request path: the steps every request takes, on the caller's thread, from the
 * caller's input to the answer ({@link #serve}). Lock-free; what it counts (input problems,
 * refusals) is read by the endpoint's status.
 */
final class RequestPath<T extends Output<T>> {
  private final String name;
  private final Scope<T> scope;
  private final ServingMetrics metrics;
  private final java.util.function.LongSupplier ticker;
  private final Variant<T> champion;
  private final Router<T> router;
  private final @Nullable Limiter permits;
  private final int maxConcurrency;
  private final InputPolicy policy;
  private final @Nullable FeedbackWindow issued;
  private final Loader<T> loader;
  private final @Nullable Shadows<T> shadowRunner;
  private final @Nullable PredictionSink<T> sink;
  private final @Nullable CanaryJudge<T> judge;
  private final @Nullable Map<String, Batcher<T>> batchers;
  private final BooleanSupplier closed;
  private final String idPrefix;
  /** Request numbers without a shared counter: each thread takes a slot and counts in it. */
  private final java.util.concurrent.atomic.AtomicInteger slots = new java.util.concurrent.atomic.AtomicInteger();
  /**
   * Each thread's request state, reused from one request to the next so that the path allocates
   * nothing of its own (and holding the thread's request counter); a request made from inside
   * another on the same thread gets a fresh one.
   */
  private final ThreadLocal<Call<T>> calls = ThreadLocal.withInitial(() -> new Call<>(new long[] {(long) slots.getAndIncrement() << 40}));
  /** Input problems by kind. */
  final Map<String, LongAdder> problems = new java.util.concurrent.ConcurrentHashMap<>();
  /** Requests refused at the concurrency limit or by a full async queue. */
  final LongAdder rejected = new LongAdder();

  /** The parts of an endpoint a request goes through; the optional ones are null when not configured. */
  record Parts<T extends Output<T>>(Variant<T> champion, Router<T> router, @Nullable Limiter permits, int maxConcurrency,
      InputPolicy policy, @Nullable FeedbackWindow issued, Loader<T> loader, @Nullable Shadows<T> shadows,
      @Nullable PredictionSink<T> sink, @Nullable CanaryJudge<T> judge, @Nullable Map<String, Batcher<T>> batchers) {}

  RequestPath(Scope<T> scope, Parts<T> parts, BooleanSupplier closed) {
    this.name = scope.endpoint();
    this.scope = scope;
    this.metrics = scope.metrics();
    this.ticker = scope.ticker();
    this.champion = parts.champion();
    this.router = parts.router();
    this.permits = parts.permits();
    this.maxConcurrency = parts.maxConcurrency();
    this.policy = parts.policy();
    this.issued = parts.issued();
    this.loader = parts.loader();
    this.shadowRunner = parts.shadows();
    this.sink = parts.sink();
    this.judge = parts.judge();
    this.batchers = parts.batchers();
    this.closed = closed;
    this.idPrefix = name + "-" + Long.toString(ThreadLocalRandom.current().nextLong() & 0xFFFFFFL, 36) + "-";
  }

  /** A request refused before it entered the path (a full async queue). */
  CapacityException refused(String why) {
    rejected.increment();
    metrics.failed(name, "", "capacity");
    return new CapacityException("endpoint '" + name + "' is at capacity: " + why);
  }

  /** Requests in the path now, when the endpoint has a concurrency limit. */
  double inFlight() {
    return permits == null ? 0 : maxConcurrency - permits.availablePermits();
  }

  /**
   * The request path, one named step after the other (each is a method below; a step whose
   * feature is not configured costs one null check). A fixed sequence rather than a list of step
   * objects: on a path of a few hundred nanoseconds a call through an interface per step would
   * show in the benchmarks.
   */
  Served<T> serve(Request<T> request, @Nullable String stickyKey) {
    Call<T> c = calls.get().begin(request, ticker.getAsLong());
    try {
      admit(c);            // refused when closed or at the concurrency limit
      route(c, stickyKey); // the variant: by weight, sticky key or bandit; the champion when the canary's window is full
      pickVersion(c);      // the version the variant serves now (else the champion's), kept for the whole request
      checkInput(c);       // the caller's input against that version's features, under the input policy
      predict(c);          // the model, directly or in a micro-batch; a failure counts in the variant's window
      answer(c);           // the answer, its figures, its place in the feedback window
      handOff(c);          // shadows and prediction logging, queued for the background worker
      judge(c);            // the canary's window judged by the request that completed it
      return c.served;
    } finally {
      release(c);          // the version taken, a canary place not used, the concurrency permit; the call ends
    }
  }

  private void admit(Call<T> c) {
    if (closed.getAsBoolean()) {
      throw new EndpointUnavailableException("endpoint '" + name + "' is closed");
    }
    Limiter limiter = permits;
    if (limiter != null) {
      if (!limiter.tryAcquire()) {
        throw refused(maxConcurrency + " requests in flight");
      }
      c.permit = limiter;
    }
  }

  private void route(Call<T> c, @Nullable String stickyKey) {
    Variant<T> v = router.choose(stickyKey);
    // the window the request counts in, read once: a request finishing after its window was
    // judged still lands in that window, never in the next one
    WindowStats window = v.window;
    if (judge != null && judge.isCanary(v)) {
      if (judge.admit(window)) {
        c.admitted = window;
      } else {
        // its window is full and awaiting judgement: the champion answers meanwhile
        v = champion;
        window = v.window;
      }
    }
    c.variant = v;
    c.window = window;
  }

  private void pickVersion(Call<T> c) {
    while (true) {
      Variant.Active<T> a = c.variant.active();
      if (a == null) {
        // a canary or arm with nothing loaded sends its share to the champion rather than failing it
        a = c.variant == champion ? null : champion.active();
        if (a == null) {
          metrics.failed(name, c.variant.name, "unavailable");
          throw new EndpointUnavailableException("endpoint '" + name + "' has no loaded version of " + c.variant.uri
              + (c.variant.loadProblem == null ? "" : ": " + c.variant.loadProblem));
        }
        c.variant = champion;
        c.window = champion.window;
      }
      if (a.acquire()) {
        c.active = a;
        return;
      }
      if (a == c.variant.active()) {
        // retired but still the variant's reference: the endpoint closed under this request
        throw new EndpointUnavailableException("endpoint '" + name + "' is closed");
      }
    }
  }

  private void checkInput(Call<T> c) {
    InputSchema.Problems found = c.problems;
    Example<T> example = c.request.example(c.active.schema, scope.unknown(), found);
    // SERVE_AND_RECORD serves what is usable; with nothing usable left there is nothing to predict from
    boolean nothingLeft = example.size() == 0;
    if (found.any() || nothingLeft) {
      for (InputProblem p : found.list()) {
        problems.computeIfAbsent(p.kind().key(), k -> new LongAdder()).increment();
      }
      if (policy == InputPolicy.REJECT || nothingLeft) {
        metrics.failed(name, c.variant.name, "invalid_input");
        throw new InvalidInputException(name, found.list(), nothingLeft && policy != InputPolicy.REJECT);
      }
    }
    loader.remember(example);
    c.example = example;
  }

  private void predict(Call<T> c) {
    try {
      c.prediction = batchers == null ? c.active.model.predict(c.example) : batchers.get(c.variant.name).predict(c.example, c.active);
    } catch (CapacityException | EndpointUnavailableException e) {
      throw e;
    } catch (RuntimeException e) {
      c.window.failed(ticker.getAsLong() - c.start);
      c.admitted = null;
      metrics.failed(name, c.variant.name, "model_error");
      judge(c);
      throw e;
    }
  }

  private void answer(Call<T> c) {
    long number = ++c.counter[0];
    long latency = ticker.getAsLong() - c.start;
    Variant.Active<T> a = c.active;
    Served<T> served = new Served<>(c.prediction, a.modelName(), a.version(), c.variant.name, idPrefix, number, latency, c.problems.list());
    c.window.served(served, latency);
    c.admitted = null;
    a.meter.served(latency);
    if (issued != null) {
      issued.add(served.requestId(), c.variant, served.outputText(), served.score());
    }
    c.served = served;
  }

  private void handOff(Call<T> c) {
    // a lane known to be full drops the request before anything is built for it
    boolean shadow = shadowRunner != null && shadowRunner.admit();
    boolean log = sink != null && sink.admit();
    if (shadow || log) {
      // one object, and at most one copy of the caller's input, for every background lane
      Answered<T> job = new Answered<>(c.request.detached(c.example), c.active.schema, c.served);
      if (shadow) {
        shadowRunner.offer(job);
      }
      if (log) {
        sink.offer(job);
      }
    }
  }

  private void judge(Call<T> c) {
    if (judge != null) {
      judge.observed(c.variant, c.window);
    }
  }

  private void release(Call<T> c) {
    if (c.admitted != null) {
      // refused before the canary answered (bad input, nothing loaded): its place goes to another request
      judge.release(c.admitted);
    }
    if (c.active != null) {
      c.active.release();
    }
    if (c.permit != null) {
      c.permit.release();
    }
    c.end();
  }

  /**
   * One request on its way through {@link #serve}: what each step found. A thread's instance is
   * reused by its next request ({@link #begin} to {@link #end}); the fields are cleared at the end
   * so that nothing of a request outlives it here.
   */
  private static final class Call<T extends Output<T>> {
    /** The thread's request counter, shared with the calls nested in this one. */
    final long[] counter;
    final InputSchema.Problems problems = new InputSchema.Problems();
    boolean busy;
    Request<T> request;
    long start;
    @Nullable Limiter permit;
    Variant<T> variant;
    WindowStats window;
    /** A canary's place in its window; null once the request counted (or if it never took one). */
    @Nullable WindowStats admitted;
    Variant.@Nullable Active<T> active;
    Example<T> example;
    Prediction<T> prediction;
    Served<T> served;

    Call(long[] counter) {
      this.counter = counter;
    }

    /** This call for a new request, or a fresh one when a request is already under way on this thread. */
    Call<T> begin(Request<T> request, long start) {
      Call<T> c = busy ? new Call<>(counter) : this;
      c.busy = true;
      c.request = request;
      c.start = start;
      return c;
    }

    void end() {
      busy = false;
      request = null;
      permit = null;
      variant = null;
      window = null;
      admitted = null;
      active = null;
      example = null;
      prediction = null;
      served = null;
      problems.clear();
    }
  }

}
