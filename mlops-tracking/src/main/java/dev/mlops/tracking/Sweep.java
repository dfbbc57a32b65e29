package dev.mlops.tracking;

import dev.mlops.api.InvalidArgumentException;
import dev.mlops.api.internal.DaemonThreads;
import dev.mlops.api.MlopsException;
import dev.mlops.api.internal.Validation;
import dev.mlops.api.tracking.Run;
import dev.mlops.api.tracking.RunStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jspecify.annotations.Nullable;

/**
 * A hyperparameter sweep: grid or random search over a parameter space. Each trial is a child run
 * of one parent run, with its parameters logged as params; trials run in parallel on a bounded
 * executor; the best trial (by a metric the trial logs) is tagged on the parent
 * ({@code mlops.sweep.best_run_id}) and its metric value logged there.
 *
 * <pre>{@code
 * Sweep.Result r = Sweep.grid(Map.of("epochs", List.of(5, 10), "lr", List.of(0.1, 0.5)))
 *     .objective("accuracy", true)
 *     .parallelism(2)
 *     .run(tracker, "churn", (params, run) -> {
 *       Model<Label> m = train(params);
 *       run.logMetric("accuracy", evaluate(m));
 *     });
 * }</pre>
 */
public final class Sweep {
  /** Tag on the parent naming the best trial's run id. */
  public static final String BEST_RUN_TAG = "mlops.sweep.best_run_id";

  private final List<Map<String, Object>> trials;
  private String metric;
  private boolean maximize = true;
  private int parallelism = Math.max(1, Runtime.getRuntime().availableProcessors());
  private String name = "sweep";

  private Sweep(List<Map<String, Object>> trials) {
    this.trials = trials;
  }

  /**
   * Every combination of the values. The keys are taken in the map's order when it has one (a
   * {@link LinkedHashMap} or a {@link java.util.SortedMap}), else in name order: the iteration
   * order of {@code Map.of} changes from one JVM to the next, and with it which trial would have
   * which params.
   */
  public static Sweep grid(Map<String, ? extends List<?>> space) {
    checkSpace(space);
    List<Map<String, Object>> combos = new ArrayList<>();
    combos.add(new LinkedHashMap<>());
    for (Map.Entry<String, ? extends List<?>> e : ordered(space)) {
      List<Map<String, Object>> next = new ArrayList<>();
      for (Map<String, Object> c : combos) {
        for (Object v : e.getValue()) {
          Map<String, Object> m = new LinkedHashMap<>(c);
          m.put(e.getKey(), v);
          next.add(m);
        }
      }
      combos = next;
    }
    return new Sweep(combos);
  }

  /**
   * {@code trials} combinations drawn uniformly from the values, reproducibly from {@code seed} (keys
   * in the order {@link #grid} takes them, so the same seed draws the same trials in every JVM).
   */
  public static Sweep random(Map<String, ? extends List<?>> space, int trials, long seed) {
    checkSpace(space);
    Validation.positive("trials", trials);
    SplittableRandom rnd = new SplittableRandom(seed);
    List<Map<String, Object>> combos = new ArrayList<>();
    for (int i = 0; i < trials; i++) {
      Map<String, Object> m = new LinkedHashMap<>();
      for (Map.Entry<String, ? extends List<?>> e : ordered(space)) {
        m.put(e.getKey(), e.getValue().get(rnd.nextInt(e.getValue().size())));
      }
      combos.add(m);
    }
    return new Sweep(combos);
  }

  /** The space's entries in the map's own order when it keeps one, else by key: the same in every JVM. */
  private static List<Map.Entry<String, ? extends List<?>>> ordered(Map<String, ? extends List<?>> space) {
    List<Map.Entry<String, ? extends List<?>>> entries = new ArrayList<>(space.entrySet());
    if (!(space instanceof LinkedHashMap || space instanceof java.util.SortedMap)) {
      entries.sort((a, b) -> a.getKey().compareTo(b.getKey()));
    }
    return entries;
  }

  /**
   * A trial's run name: the sweep's name, the trial's index in the sweep and its params, e.g.
   * {@code churn-sweep-trial-03 (model=cart, depth=5)}; the same trial gets the same name in every
   * run of the same sweep, whatever order the trials finish in.
   */
  static String trialName(String sweep, int index, int trials, Map<String, Object> params) {
    String number = String.format(java.util.Locale.ROOT, "%0" + Integer.toString(trials - 1).length() + "d", index);
    StringBuilder sb = new StringBuilder(sweep).append("-trial-").append(number).append(" (");
    params.forEach((k, v) -> sb.append(sb.charAt(sb.length() - 1) == '(' ? "" : ", ").append(k).append('=').append(v));
    // a run name takes no control characters: a param value's are shown as '?'
    String name = sb.append(')').toString().replaceAll("\\p{Cntrl}", "?");
    return name.length() <= Validation.MAX_RUN_NAME_LENGTH ? name : name.substring(0, Validation.MAX_RUN_NAME_LENGTH - 1) + "\u2026";
  }

  private static void checkSpace(Map<String, ? extends List<?>> space) {
    Validation.notNull("space", space);
    if (space.isEmpty()) {
      throw InvalidArgumentException.of("space", space, "must have at least one parameter");
    }
    for (Map.Entry<String, ? extends List<?>> e : space.entrySet()) {
      Validation.key("space parameter", e.getKey());
      if (e.getValue() == null || e.getValue().isEmpty()) {
        throw InvalidArgumentException.of("space parameter '" + e.getKey() + "'", e.getValue(), "must list at least one value");
      }
    }
  }

  /** The metric that ranks trials, and whether higher is better. Required. */
  public Sweep objective(String metric, boolean maximize) {
    this.metric = Validation.key("objective metric", metric);
    this.maximize = maximize;
    return this;
  }

  /** How many trials run at once (default: the number of cores). */
  public Sweep parallelism(int threads) {
    this.parallelism = Validation.positive("parallelism", threads);
    return this;
  }

  /** The parent run's name. */
  public Sweep name(String parentName) {
    this.name = Validation.name("sweep name", parentName, Validation.MAX_RUN_NAME_LENGTH);
    return this;
  }

  /** The parameter combinations this sweep will try, in order. */
  public List<Map<String, Object>> trials() {
    return List.copyOf(trials);
  }

  /** One trial's work: train with {@code params} and log the objective metric to {@code run}. */
  @FunctionalInterface
  public interface Trial {
    /** Trains and evaluates one trial with its params, logging into its child run; throwing marks the trial FAILED. */
    void run(Map<String, Object> params, ActiveRun run) throws Exception;
  }

  /**
   * The outcome of a sweep.
   *
   * @param parentRunId the parent run
   * @param trialRunIds every trial's run, in trial order
   * @param best the best trial run, if any trial logged the objective; of trials that tie, the first in
   *     the sweep (trial names sort in trial order), so the same sweep names the same best trial every time
   * @param failures how many trials failed (their runs end FAILED)
   */
  public record Result(String parentRunId, List<String> trialRunIds, Optional<Run> best, int failures) {}

  /**
   * Runs the sweep in {@code experiment}. A trial that throws ends FAILED and the sweep goes on.
   *
   * @throws InvalidArgumentException if no objective was set
   */
  public Result run(Tracker tracker, String experiment, Trial trial) {
    return run(tracker, experiment, null, trial);
  }

  /**
   * Runs the sweep in {@code experiment} with its parent run a child of {@code parentRunId} (for
   * example the retraining that the sweep chooses a model for), or a top-level run if null.
   *
   * @throws InvalidArgumentException if no objective was set
   */
  public Result run(Tracker tracker, String experiment, @Nullable String parentRunId, Trial trial) {
    if (metric == null) {
      throw new InvalidArgumentException("objective: a sweep needs objective(metric, maximize) before run()");
    }
    Tracker.RunStarter starter = tracker.newRun().experiment(experiment).name(name);
    if (parentRunId != null) {
      starter.parent(parentRunId);
    }
    ActiveRun parent = starter.tag("mlops.sweep.trials", Integer.toString(trials.size()))
        .tag("mlops.sweep.objective", metric + (maximize ? " (max)" : " (min)")).start();
    ExecutorService exec = Executors.newFixedThreadPool(Math.min(parallelism, trials.size()), DaemonThreads.named("mlops-sweep"));
    List<String> ids = new ArrayList<>();
    int failures = 0;
    try {
      List<Future<String>> futures = new ArrayList<>();
      int i = 0;
      for (Map<String, Object> params : trials) {
        int index = i++;
        futures.add(exec.submit(() -> {
          ActiveRun run = tracker.newRun().experiment(experiment).parent(parent.id()).name(trialName(name, index, trials.size(), params)).start();
          try {
            run.logParams(params);
            trial.run(params, run);
            run.end(RunStatus.FINISHED);
          } catch (Exception | Error e) {
            run.fail(e);
            throw e;
          }
          return run.id();
        }));
      }
      for (Future<String> f : futures) {
        try {
          ids.add(f.get());
        } catch (ExecutionException e) {
          failures++;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new MlopsException("sweep interrupted", e);
        }
      }
      Optional<Run> best = tracker.searchRuns(RunQuery.builder().experiments(experiment)
          .filter("tags.`mlops.parentRunId` = '" + parent.id() + "' AND metrics.`" + metric + "` IS NOT NULL")
          .orderBy("metrics.`" + metric + "` " + (maximize ? "DESC" : "ASC"), "run_name ASC").maxResults(1).build()).items().stream()
          .findFirst()
          .filter(r -> !Double.isNaN(r.metric(metric).orElse(Double.NaN)));
      best.ifPresent(b -> {
        parent.setTag(BEST_RUN_TAG, b.id());
        parent.logMetric("best_" + metric, b.metric(metric).orElseThrow());
      });
      parent.end(failures == trials.size() ? RunStatus.FAILED : RunStatus.FINISHED);
      return new Result(parent.id(), ids, best, failures);
    } catch (RuntimeException e) {
      parent.fail(e);
      throw e;
    } finally {
      exec.shutdownNow();
    }
  }
}
