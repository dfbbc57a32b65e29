package dev.mlops.retraining;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlops.api.StorageBackend;
import dev.mlops.api.registry.AuditEntry;
import dev.mlops.registry.Gate;
import dev.mlops.registry.ModelRegistry;
import dev.mlops.testkit.Eventually;
import dev.mlops.testkit.FakeClock;
import dev.mlops.testkit.Postgres;
import dev.mlops.testkit.PostgresServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tribuo.classification.Label;
import org.tribuo.classification.sgd.linear.LogisticRegressionTrainer;

/**
 * Every retraining record agrees with the registry's audit trail, whatever happened: promoted, not blessed, failed
 * before the alias moved, failed after it moved, a rollout that refused or claimed a move that never happened, a lease
 * lost before or after the move, a gate or an approver that rejected, an approval undone by hand before the loop looked.
 */
class RecordsAgreeWithAliasHistoryTest {
  private static final Duration TTL = Duration.ofHours(1);
  private final FakeClock clock = FakeClock.ticking(1_700_000_000_000L);
  private final AtomicReference<Training<Label>> training = new AtomicReference<>();
  private final AtomicReference<Rollout> rollout = new AtomicReference<>();
  private final AtomicBoolean gateRefuses = new AtomicBoolean();
  private LoopWorld world;
  private ModelRegistry registry;

  @TempDir
  Path dir;

  private void open(String backend) {
    String uri = switch (backend) {
      case "file" -> "file:" + dir.resolve("store");
      case "postgres" -> PostgresServer.newDatabase();
      default -> "mem:agree-" + UUID.randomUUID();
    };
    world = new LoopWorld(StorageBackend.open(uri), clock);
    registry = world.replaceRegistry(this::governed);
  }

  @AfterEach
  void close() {
    if (world != null) {
      world.close();
    }
  }

  /** churn@champion moves freely; fraud@production needs one approval and a gate the test switches. */
  private ModelRegistry.Builder governed(ModelRegistry.Builder b) {
    Gate gate = new Gate() {
      @Override
      public String describe() {
        return "the change board agrees";
      }

      @Override
      public Outcome evaluate(Context context) {
        return new Outcome(!gateRefuses.get(), gateRefuses.get() ? "refused by the change board" : "accepted");
      }
    };
    return b.protectAlias("production", 1).gate("production", gate);
  }

  private static final Training<Label> GOOD = (train, ctx) -> new LogisticRegressionTrainer().train(train);

  /** A loop whose training and rollout are what the test sets for the next retraining. */
  private RetrainingLoop<Label> loop(String model, String alias, String holder) {
    Rollout scripted = new Rollout() {
      @Override
      public RolloutResult start(Target t) {
        return rollout.get().start(t);
      }

      @Override
      public RolloutResult poll(Target t, RolloutResult pending) {
        return rollout.get().poll(t, pending);
      }
    };
    return world.loop(model + "-loop").model(model).alias(alias).holder(holder).leaseTtl(TTL).maxFailures(0).rollout(scripted)
        .training((train, ctx) -> training.get().train(train, ctx))
        .blessing(Blessing.of(MetricThreshold.higherIsBetter("accuracy").atLeast(0.7))).build();
  }

  private void next(RetrainingLoop<Label> loop, Training<Label> t, Rollout r) {
    clock.advance(Duration.ofHours(1).toMillis());
    training.set(t);
    rollout.set(r);
    loop.trigger("retraining " + (loop.history().size() + 1));
  }

  /** Moves the alias (or not), then stalls past the lease while {@code other} takes over and records the retraining. */
  private Rollout stallsAfter(RetrainingLoop<Label> other, boolean move) {
    return t -> {
      if (move) {
        t.registry().setAlias(t.model(), t.alias(), t.version());
      }
      int index = other.history().size() - 1; // this retraining, the newest in the store
      clock.advance(TTL.toMillis() * 2);
      Eventually.until(() -> {
        other.poll();
        return other.history().get(index).state().terminal();
      }, "the other instance records the stalled retraining");
      return new RolloutResult(RolloutResult.State.FAILED, "gave up after the stall", Map.of());
    };
  }

  @Test
  @Postgres
  void everyRetrainingRecordAgreesWithTheAuditTrailOfItsAliasOnPostgres() {
    everyRetrainingRecordAgreesWithTheAuditTrailOfItsAlias("postgres");
  }

  @ParameterizedTest(name = "on {0}")
  @ValueSource(strings = {"mem", "file"})
  void everyRetrainingRecordAgreesWithTheAuditTrailOfItsAlias(String backend) {
    open(backend);
    Fixture.champion(registry, "churn", "champion");
    int fraudChampion = Fixture.champion(registry, "fraud", "staging");
    registry.overrideProtectedAlias("fraud", "production", fraudChampion, "first model, set by hand");
    Training<Label> throwing = (train, ctx) -> {
      throw new IllegalStateException("the trainer ran out of memory");
    };
    Rollout movesThenThrows = t -> {
      t.registry().setAlias(t.model(), t.alias(), t.version());
      throw new IllegalStateException("the announcement after the move failed");
    };
    Rollout refuses = t -> new RolloutResult(RolloutResult.State.FAILED, "the deployment window is closed", Map.of());
    Rollout claims = t -> new RolloutResult(RolloutResult.State.PROMOTED, "says it moved the alias but did not", Map.of());
    try (RetrainingLoop<Label> churn = loop("churn", "champion", "a"); RetrainingLoop<Label> churnB = loop("churn", "champion", "b");
        RetrainingLoop<Label> fraud = loop("fraud", "production", "a");
        ModelRegistry alice = world.registry("alice", this::governed)) {
      next(churn, GOOD, Rollout.moveAlias());
      next(churn, (train, ctx) -> Fixture.mislabelling(3, 3), Rollout.moveAlias());
      next(churn, throwing, Rollout.moveAlias());
      next(churn, GOOD, movesThenThrows);
      next(churn, GOOD, refuses);
      next(churn, GOOD, claims);
      next(churn, GOOD, stallsAfter(churnB, true));
      next(churn, GOOD, stallsAfter(churnB, false));

      Rollout request = Rollout.promotionRequest();
      gateRefuses.set(true);
      next(fraud, GOOD, request);
      gateRefuses.set(false);
      next(fraud, GOOD, request);
      alice.approve(fraud.history().get(1).rollout().figures().get("request"), "ship it");
      fraud.poll();
      next(fraud, GOOD, request);
      alice.reject(fraud.history().get(2).rollout().figures().get("request"), "not this week");
      fraud.poll();
      next(fraud, GOOD, request);
      alice.approve(fraud.history().get(3).rollout().figures().get("request"), "ship it");
      alice.overrideProtectedAlias("fraud", "production", fraudChampion, "rolled back by hand before the loop looked");
      fraud.poll();

      Set<Retraining.State> seen = EnumSet.noneOf(Retraining.State.class);
      List<Retraining> all = new ArrayList<>(churn.history());
      all.addAll(fraud.history());
      all.forEach(r -> seen.add(r.state()));
      assertEquals(EnumSet.of(Retraining.State.PROMOTED, Retraining.State.NOT_BLESSED, Retraining.State.FAILED,
          Retraining.State.ROLLOUT_FAILED, Retraining.State.KILLED, Retraining.State.REJECTED), seen, summary(all));
      assertTrue(all.stream().anyMatch(r -> r.state() == Retraining.State.PROMOTED && !r.warnings().isEmpty()), summary(all));
      assertAgree("churn", "champion", churn.history());
      assertAgree("fraud", "production", fraud.history());
    }
  }

  private static String summary(List<Retraining> all) {
    return all.stream().map(r -> r.id() + " " + r.state() + " v" + r.challengerVersion() + " " + r.warnings()).collect(Collectors.joining("\n"));
  }

  /** One move of an alias, from the audit trail. */
  private record Move(long time, int version) {}

  /**
   * The audit trail's moves of {@code model@alias} and the loop's records agree: each record's champion is what the
   * alias served when it began; a PROMOTED record's challenger was moved onto the alias while it ran (from its start to
   * its last write); no other record's challenger was; and every move onto a version a retraining registered belongs to
   * a PROMOTED record. The clock ticks at every reading, so these comparisons of times are exact.
   */
  private void assertAgree(String model, String alias, List<Retraining> records) {
    List<Move> moves = new ArrayList<>();
    for (AuditEntry e : registry.audit(model, null, Long.MIN_VALUE, Long.MAX_VALUE)) {
      if (e.action().equals("ALIAS_MOVED") && e.target().equals(model + "@" + alias)) {
        moves.add(new Move(e.time(), Integer.parseInt(e.afterFields().get("version"))));
      }
    }
    Map<Integer, String> registeredBy = new HashMap<>();
    registry.versions(model).forEach(v -> {
      String id = v.tags().get("mlops.retraining.id");
      if (id != null) {
        registeredBy.put(v.version(), id);
      }
    });
    for (Retraining r : records) {
      String what = r.id() + " " + r.state() + " (" + r + ") against " + moves;
      Integer serving = moves.stream().filter(m -> m.time() < r.created()).reduce((a, b) -> b).map(Move::version).orElse(null);
      assertEquals(serving, r.championVersion(), "the champion is what the alias served when it began: " + what);
      boolean moved = r.challengerVersion() != null && moves.stream()
          .anyMatch(m -> m.version() == r.challengerVersion() && m.time() > r.created() && m.time() < r.updated());
      assertEquals(r.state() == Retraining.State.PROMOTED, moved, "PROMOTED exactly when the alias moved to its challenger: " + what);
    }
    for (Move m : moves) {
      if (registeredBy.containsKey(m.version())) {
        assertTrue(records.stream().anyMatch(r -> r.state() == Retraining.State.PROMOTED && r.challengerVersion() == m.version()
            && m.time() > r.created() && m.time() < r.updated()), "the move " + m + " belongs to a PROMOTED retraining: " + summary(records));
      }
    }
  }
}
