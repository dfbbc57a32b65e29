package dev.mlops.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mlops.api.ConflictException;
import dev.mlops.api.Page;
import dev.mlops.api.search.Evaluator;
import dev.mlops.api.search.Expr;
import dev.mlops.api.search.FilterParser;
import dev.mlops.api.search.OrderBy;
import dev.mlops.api.search.RunAccessor;
import dev.mlops.api.spi.SortKey;
import dev.mlops.api.tracking.Experiment;
import dev.mlops.api.tracking.LifecycleStage;
import dev.mlops.api.tracking.Metric;
import dev.mlops.api.tracking.Run;
import dev.mlops.api.tracking.RunInfo;
import dev.mlops.api.tracking.RunStatus;
import dev.mlops.api.tracking.TrackingStore;
import dev.mlops.api.tracking.ViewType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Random operation sequences run against a store and against a plain reference model (maps, with
 * search evaluated by the library's in-memory semantics); every run read back and every search,
 * page by page, must agree. Extend it next to {@link TrackingStoreContract}.
 */
public abstract class TrackingStoreProperties {
  /** For subclasses: one per backend under test. */
  protected TrackingStoreProperties() {}

  /** A fresh, empty store; closed at the end of each try. */
  protected abstract TrackingStore newStore();

  /** One operation on run {@code run % runs}. */
  public record Op(int kind, int run, String key, double value, String text, long step) {}

  private static final double[] VALUES = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -1, -0.0, 0, 0.5, 1, 2};
  private static final String[] ATOMS = {"metrics.m1 > 0", "metrics.m2 = 1", "metrics.m2 >= 0", "metrics.m1 <= 0.5", "metrics.m2 != 2",
      "params.p1 = 'a'", "params.p2 != 'b'", "tags.t1 LIKE 'x%'", "tags.t2 ILIKE 'z%'", "metrics.m1 IS NULL",
      "params.p3 IN ('a', 'c')", "status = 'FINISHED'", "metrics.m2 NOT IN (0, 1)", "tags.t1 IS NOT NULL", "run_name LIKE 'r_'"};
  private static final String[] ORDERS = {"metrics.m1 DESC", "metrics.m2", "params.p1", "tags.t1 DESC", "start_time", "status", "run_name DESC"};

  @Provide
  Arbitrary<List<Op>> ops() {
    Arbitrary<Op> op = Combinators.combine(Arbitraries.integers().between(0, 5), Arbitraries.integers().between(0, 5),
        Arbitraries.of("1", "2", "3"), Arbitraries.integers().between(0, VALUES.length - 1), Arbitraries.of("a", "b", "c", "x1", "Zed", "xz"),
        Arbitraries.longs().between(0, 3)).as((k, r, key, v, t, s) -> new Op(k, r, key, VALUES[v], t, s));
    return op.list().ofMinSize(1).ofMaxSize(40);
  }

  @Provide
  Arbitrary<String> filters() {
    Arbitrary<String> atom = Arbitraries.of(ATOMS);
    return Arbitraries.recursive(() -> atom, inner -> Arbitraries.oneOf(
        Combinators.combine(inner, inner).as((a, b) -> "(" + a + " AND " + b + ")"),
        Combinators.combine(inner, inner).as((a, b) -> "(" + a + " OR " + b + ")"),
        inner.map(a -> "NOT " + a)), 0, 3);
  }

  @Provide
  Arbitrary<List<String>> orders() {
    return Arbitraries.of(ORDERS).list().ofMinSize(0).ofMaxSize(3).uniqueElements();
  }

  @Property(tries = 40)
  void storeAgreesWithReferenceModel(@ForAll("ops") List<Op> ops, @ForAll("filters") String filter, @ForAll("orders") List<String> order) {
    FakeClock clock = new FakeClock(1_000_000);
    try (TrackingStore store = newStore()) {
      Experiment e = store.createExperiment(new Experiment("exp", "exp", "runs:/", LifecycleStage.ACTIVE, 1, 1, Map.of()));
      Map<String, Run> model = new LinkedHashMap<>();
      Map<String, List<Metric>> history = new LinkedHashMap<>();
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        String id = String.format("%032d", i + 1);
        RunInfo info = new RunInfo(id, e.id(), "r" + i, RunStatus.RUNNING, "u", clock.tick(), -1, LifecycleStage.ACTIVE, "a", "");
        store.createRun(info, Map.of(), Map.of());
        model.put(id, new Run(info, Map.of(), Map.of(), Map.of(), List.of()));
        ids.add(id);
      }
      for (Op op : ops) {
        String id = ids.get(op.run() % ids.size());
        Run r = model.get(id);
        switch (op.kind()) {
          case 0, 1 -> {
            Metric m = new Metric("m" + (op.kind() + 1), op.value(), clock.tick(), op.step());
            store.logBatch(id, List.of(m), Map.of(), Map.of());
            history.computeIfAbsent(id + "/" + m.key(), k -> new ArrayList<>()).add(m);
            Map<String, Metric> latest = new LinkedHashMap<>(r.latestMetrics());
            Metric old = latest.get(m.key());
            if (old == null || m.isAtOrAfter(old)) {
              latest.put(m.key(), m);
            }
            r = new Run(r.info(), r.params(), latest, r.tags(), r.inputs());
          }
          case 2 -> {
            String key = "p" + op.key();
            String old = r.params().get(key);
            boolean conflict;
            try {
              store.logBatch(id, List.of(), Map.of(key, op.text()), Map.of());
              conflict = false;
            } catch (ConflictException c) {
              conflict = true;
            }
            assertEquals(old != null && !old.equals(op.text()), conflict, "param conflict for " + key);
            if (old == null) {
              Map<String, String> p = new LinkedHashMap<>(r.params());
              p.put(key, op.text());
              r = new Run(r.info(), p, r.latestMetrics(), r.tags(), r.inputs());
            }
          }
          case 3 -> {
            String key = "t" + (op.key().equals("3") ? "1" : op.key());
            store.logBatch(id, List.of(), Map.of(), Map.of(key, op.text()));
            Map<String, String> t = new LinkedHashMap<>(r.tags());
            t.put(key, op.text());
            r = new Run(r.info(), r.params(), r.latestMetrics(), t, r.inputs());
          }
          case 4 -> {
            String key = "t" + (op.key().equals("3") ? "1" : op.key());
            if (r.tags().containsKey(key)) {
              store.deleteTag(id, key);
              Map<String, String> t = new LinkedHashMap<>(r.tags());
              t.remove(key);
              r = new Run(r.info(), r.params(), r.latestMetrics(), t, r.inputs());
            }
          }
          default -> {
            RunStatus s = RunStatus.values()[(int) op.step()];
            long end = s.isTerminal() ? clock.tick() : -1;
            store.updateRun(id, s, end, null);
            RunInfo i = r.info();
            r = new Run(new RunInfo(i.runId(), i.experimentId(), i.runName(), s, i.user(), i.startTime(), end, i.lifecycleStage(),
                i.artifactUri(), i.parentRunId()), r.params(), r.latestMetrics(), r.tags(), r.inputs());
          }
        }
        model.put(id, r);
      }
      for (String id : ids) {
        Run expected = model.get(id);
        Run actual = store.getRun(id).orElseThrow();
        assertEquals(expected.info(), actual.info());
        assertEquals(expected.params(), actual.params());
        assertEquals(expected.tags(), actual.tags());
        assertEquals(expected.latestMetrics().keySet(), actual.latestMetrics().keySet());
        for (String k : expected.latestMetrics().keySet()) {
          assertEquals(Double.doubleToLongBits(expected.latestMetrics().get(k).value()),
              Double.doubleToLongBits(actual.latestMetrics().get(k).value()), "latest " + k);
        }
        for (String k : List.of("m1", "m2")) {
          List<Metric> h = store.getMetricHistory(id, k, 1000, null).items();
          List<Metric> want = history.getOrDefault(id + "/" + k, List.of());
          assertEquals(want.size(), h.size(), "history size " + k);
          for (int i = 0; i < want.size(); i++) {
            assertEquals(Double.doubleToLongBits(want.get(i).value()), Double.doubleToLongBits(h.get(i).value()));
            assertEquals(want.get(i).step(), h.get(i).step());
          }
        }
      }
      Expr expr = FilterParser.parse(filter);
      List<OrderBy> ob = OrderBy.parseAll(order);
      List<String> expected = new ArrayList<>();
      List<Run> matching = model.values().stream().filter(x -> Evaluator.test(expr, RunAccessor.of(x))).toList();
      SortKey.page(matching, ob, x -> SortKey.of(ob, RunAccessor.of(x), x.id()), null, 1000).rows().forEach(x -> expected.add(x.id()));
      List<String> actual = new ArrayList<>();
      String token = null;
      do {
        Page<Run> p = store.searchRuns(List.of(e.id()), expr, ob, ViewType.ACTIVE_ONLY, 2, token);
        p.items().forEach(x -> actual.add(x.id()));
        token = p.nextPageToken().orElse(null);
      } while (token != null);
      assertEquals(expected, actual, "search '" + filter + "' order " + order);
    } finally {
      afterStore();
    }
  }

  /** Called at the end of each try once the store is closed. */
  protected void afterStore() {}
}
