package dev.mlops.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mlops.api.AccessDeniedException;
import dev.mlops.api.IntegrityException;
import dev.mlops.api.InvalidArgumentException;
import dev.mlops.api.NotFoundException;
import dev.mlops.api.StorageBackend;
import dev.mlops.api.artifact.ArtifactStore;
import dev.mlops.api.registry.AuditChain;
import dev.mlops.api.registry.AuditEntry;
import dev.mlops.api.registry.GateResult;
import dev.mlops.api.registry.ModelCard;
import dev.mlops.api.registry.ModelVersion;
import dev.mlops.api.registry.ModelVersionStatus;
import dev.mlops.api.registry.PromotionRequest;
import dev.mlops.api.registry.RegistryEvent;
import dev.mlops.api.tracking.Dataset;
import dev.mlops.api.tracking.DatasetInput;
import dev.mlops.testkit.Eventually;
import dev.mlops.testkit.FakeClock;
import dev.mlops.testkit.Slow;
import dev.mlops.tracking.ActiveRun;
import dev.mlops.tracking.Tracker;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputFilter;
import java.io.ObjectOutputStream;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tribuo.Model;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.impl.ArrayExample;

/** ModelRegistry behaviour, run on every built-in backend by the subclasses. */
abstract class ModelRegistryContract {
  @TempDir
  Path dir;
  StorageBackend backend;
  FakeClock clock = new FakeClock(1_700_000_000_000L);
  AtomicReference<String> who = new AtomicReference<>("alice");
  ModelRegistry registry;
  Tracker tracker;

  abstract StorageBackend newBackend();

  /** Edits the actor of audit entry {@code seq} directly in the store. */
  abstract void tamperEdit(long seq, String actor);

  /** Deletes audit entry {@code seq} directly in the store. */
  abstract void tamperDelete(long seq);

  /** Swaps the contents of audit entries {@code a} and {@code b} (keeping their seq numbers). */
  abstract void tamperSwap(long a, long b);

  /** Appends a forged entry directly in the store. */
  abstract void tamperAppend(AuditEntry forged);

  @BeforeEach
  void open() {
    backend = newBackend();
    registry = builder().build();
    tracker = Tracker.builder().storage(backend).clock(clock).principal(who::get).build();
  }

  ModelRegistry.Builder builder() {
    return ModelRegistry.builder().storage(backend).clock(clock).principal(who::get).eventPollInterval(Duration.ofMillis(50))
        .protectAlias("champion", 1)
        .gate("champion", Gates.metricAtLeast("accuracy", 0.8))
        .gate("champion", Gates.noWorseThanHolder("accuracy", 0.01, true))
        .gate("champion", Gates.requiredCardFields("intendedUse"))
        .gate("champion", Gates.requiredTag("fairness_review", "passed"));
  }

  @AfterEach
  void close() {
    tracker.close();
    registry.close();
    backend.close();
  }

  /** Trains, logs and returns a run id whose artifact model/model.tribuo holds the model. */
  String trackedRun(long seed, double accuracy) {
    try (ActiveRun run = tracker.startRun("fraud-training")) {
      run.logModel(Models.train(seed), "model");
      run.logMetric("accuracy", accuracy);
      run.logInput(new Dataset("transactions", "d" + seed, "", "", 100), DatasetInput.TRAINING);
      return run.id();
    }
  }

  @Test
  void registersFromRunArtifactObjectAndFileWithLineageAndSignature() throws Exception {
    String runId = trackedRun(1, 0.93);
    ModelVersion v1 = registry.register(Registration.of("fraud").fromRunArtifact(runId, "model/model.tribuo").description("first"));
    assertEquals(1, v1.version());
    assertEquals(ModelVersionStatus.READY, v1.status());
    assertEquals(ModelVersion.TRIBUO_PROTOBUF, v1.flavor());
    assertEquals("runs:/" + runId + "/model/model.tribuo", v1.source());
    assertEquals(runId, v1.lineage().runId());
    assertEquals(0.93, v1.lineage().metrics().get("accuracy"));
    assertEquals("5", v1.lineage().params().get("epochs"));
    assertTrue(v1.lineage().datasets().contains("transactions@d1 (training)"), v1.lineage().datasets().toString());
    assertEquals(List.of("amount", "hour"), v1.signature().inputs().stream().map(f -> f.name()).sorted().toList());
    assertEquals(List.of("fraud", "ok"), v1.signature().outputDomain());
    assertEquals(tracker.getRun(runId).tags().get("mlops.model.sha256"), v1.sha256());

    ModelVersion v2 = registry.register(Registration.of("fraud").fromModel(Models.train(2)).sourceRun(runId));
    assertEquals(2, v2.version());
    Path file = dir.resolve("m.tribuo");
    Files.write(file, registry.bytes("fraud", 2));
    ModelVersion v3 = registry.register(Registration.of("fraud").fromFile(file));
    assertEquals(ModelVersion.TRIBUO_PROTOBUF, v3.flavor());
    assertEquals(v2.sha256(), v3.sha256());
    Path weights = dir.resolve("weights.bin");
    Files.write(weights, new byte[] {1, 2, 3});
    assertEquals(ModelVersion.GENERIC, registry.register(Registration.of("fraud").fromFile(weights)).flavor());
    Path broken = dir.resolve("broken.tribuo");
    Files.write(broken, new byte[] {9, 9, 9, 9});
    ModelVersion bad = registry.register(Registration.of("fraud").fromFile(broken));
    assertEquals(ModelVersionStatus.FAILED_REGISTRATION, bad.status());
    assertTrue(bad.tags().containsKey("mlops.registration_error"));
    assertThrows(InvalidArgumentException.class, () -> registry.load(bad.uri(), Label.class));
  }

  @Test
  void registersFromAStoredArtifactWithoutARunWithTheLineageGiven() throws Exception {
    byte[] model = dev.mlops.api.internal.tribuo.TribuoProtobuf.write(Models.train(1));
    backend.store(dev.mlops.api.artifact.ArtifactStore.class).put("m-0123", "model.tribuo", new java.io.ByteArrayInputStream(model));
    dev.mlops.api.registry.Lineage given = new dev.mlops.api.registry.Lineage("", "7", Map.of("C", "0.5"), Map.of("acc", 0.9), List.of("eval@d1"), "abc123");
    ModelVersion v = registry.register(Registration.of("fraud").fromArtifact("m-0123", "model.tribuo").lineage(given));
    assertEquals("artifacts:/m-0123/model.tribuo", v.source());
    assertEquals(given, v.lineage());
    assertEquals(ModelVersion.TRIBUO_PROTOBUF, v.flavor());
    assertArrayEquals(model, registry.bytes("fraud", 1));

    String runId = trackedRun(2, 0.9);
    InvalidArgumentException both = assertThrows(InvalidArgumentException.class,
        () -> registry.register(Registration.of("fraud").fromRunArtifact(runId, "model/model.tribuo").lineage(given)));
    assertTrue(both.getMessage().contains("registration lineage") && both.getMessage().contains(runId), both.getMessage());
    assertThrows(NotFoundException.class, () -> registry.register(Registration.of("fraud").fromArtifact("m-0123", "missing.tribuo")));
    assertEquals(1, registry.versions("fraud").size(), "nothing was written");
  }

  @ParameterizedTest
  @ValueSource(strings = {"latest", "LATEST", "v3", "V12"})
  void anAliasThatReadsLikeAVersionIsReserved(String reserved) {
    registry.register(Registration.of("fraud").fromModel(Models.train(1)));
    InvalidArgumentException r = assertThrows(InvalidArgumentException.class, () -> registry.setAlias("fraud", reserved, 1));
    assertTrue(r.getMessage().contains("reserved"), r.getMessage());
  }

  @Test
  void badInputIsRefusedClearlyAndWritesNothing() {
    registry.register(Registration.of("fraud").fromModel(Models.train(1)));
    int auditBefore = registry.audit().size();
    InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> registry.createModel("a/b", "", Map.of()));
    assertTrue(e.getMessage().contains("model name = 'a/b'"), e.getMessage());
    assertThrows(InvalidArgumentException.class, () -> registry.createModel(" ", "", Map.of()));
    assertThrows(InvalidArgumentException.class, () -> registry.setAlias("fraud", "has space", 1));
    NotFoundException nf = assertThrows(NotFoundException.class, () -> registry.setAlias("fraud", "staging", 99));
    assertTrue(nf.getMessage().contains("version 99"), nf.getMessage());
    assertThrows(NotFoundException.class, () -> registry.getVersion("fraud", 7));
    assertThrows(NotFoundException.class, () -> registry.getVersion("nope", 1));
    NotFoundException run = assertThrows(NotFoundException.class,
        () -> registry.register(Registration.of("fraud").fromRunArtifact("0".repeat(32), "model/model.tribuo")));
    assertTrue(run.getMessage().contains("run '" + "0".repeat(32) + "' does not exist"), run.getMessage());
    assertThrows(InvalidArgumentException.class, () -> registry.register(Registration.of("fraud")));
    assertThrows(InvalidArgumentException.class, () -> registry.resolve("models:/fraud/0"));
    assertThrows(InvalidArgumentException.class, () -> registry.resolve("runs:/fraud/1"));
    assertEquals(1, registry.versions("fraud").size(), "nothing was written");
    assertEquals(auditBefore, registry.audit().size(), "nothing was audited");
  }

  @Test
  void tagsAreDeletedAndAVersionsDescriptionChangesAuditedAndKeptOnReopen() {
    registry.createModel("fraud", "", Map.of("team", "risk", "tier", "1"));
    registry.register(Registration.of("fraud").fromModel(Models.train(1)).tag("qa", "passed"));
    int auditBefore = registry.audit().size();
    registry.deleteModelTag("fraud", "team");
    registry.deleteVersionTag("fraud", 1, "qa");
    registry.deleteVersionTag("fraud", 1, "never-set");
    registry.setVersionDescription("fraud", 1, "first cut");
    assertThrows(InvalidArgumentException.class, () -> registry.setVersionDescription("fraud", 1, "x".repeat(5001)));
    assertThrows(NotFoundException.class, () -> registry.deleteVersionTag("fraud", 9, "qa"));
    assertThrows(NotFoundException.class, () -> registry.deleteModelTag("nope", "team"));

    List<AuditEntry> added = registry.audit().subList(auditBefore, registry.audit().size());
    assertEquals(List.of("MODEL_TAG_SET fraud", "VERSION_TAG_SET fraud/1", "MODEL_DESCRIBED fraud/1"),
        added.stream().map(e -> e.action() + " " + e.target()).toList(), "an absent key and refused calls write no entry");
    assertEquals(Map.of("key", "team", "value", "risk"), added.get(0).beforeFields());
    assertEquals(Map.of(), added.get(0).afterFields());
    assertEquals(Map.of("description", "first cut"), added.get(2).afterFields());

    registry.close();
    registry = builder().build();
    assertEquals(Map.of("tier", "1"), registry.getModel("fraud").orElseThrow().tags());
    assertEquals(Map.of(), registry.getVersion("fraud", 1).tags());
    assertEquals("first cut", registry.getVersion("fraud", 1).description());
    assertTrue(registry.verifyAudit().valid(), "the chain verifies");
  }

  @Test
  void versionNumbersAreGapFreeUnderConcurrencyAndNeverReused() throws Exception {
    byte[] bytes = new byte[] {1, 2, 3, 4};
    Path f = dir.resolve("w.bin");
    Files.write(f, bytes);
    ExecutorService pool = Executors.newFixedThreadPool(6);
    try {
      List<Future<Integer>> fs = new ArrayList<>();
      for (int i = 0; i < 24; i++) {
        fs.add(pool.submit(() -> registry.register(Registration.of("concurrent").fromFile(f)).version()));
      }
      Set<Integer> got = new HashSet<>();
      for (Future<Integer> x : fs) {
        got.add(x.get(120, TimeUnit.SECONDS));
      }
      assertEquals(24, got.size());
      for (int n = 1; n <= 24; n++) {
        assertTrue(got.contains(n), "missing version " + n);
      }
    } finally {
      pool.shutdownNow();
    }
    registry.deleteVersion("concurrent", 24);
    assertEquals(25, registry.register(Registration.of("concurrent").fromFile(f)).version(), "deleted numbers are not reused");
  }

  @Test
  void aliasesAndUris() {
    Model<Label> m = Models.train(1);
    registry.register(Registration.of("fraud").fromModel(m));
    registry.register(Registration.of("fraud").fromModel(Models.train(2)));
    registry.setAlias("fraud", "staging", 1);
    registry.setAlias("fraud", "canary", 1);
    assertEquals(Map.of("staging", 1, "canary", 1), registry.aliases("fraud"));
    registry.setAlias("fraud", "staging", 2);
    assertEquals(2, registry.resolve("models:/fraud@staging").version());
    assertEquals(1, registry.resolve("models:/fraud/1").version());
    assertEquals(2, registry.resolve("models:/fraud/latest").version());
    registry.deleteAlias("fraud", "canary");
    assertThrows(NotFoundException.class, () -> registry.resolve("models:/fraud@canary"));
    registry.deleteVersion("fraud", 2);
    assertFalse(registry.aliases("fraud").containsKey("staging"), "deleting a version removes its aliases");
    List<AuditEntry> moves = registry.audit("fraud", null, Long.MIN_VALUE, Long.MAX_VALUE).stream()
        .filter(a -> a.action().equals("ALIAS_MOVED") && a.target().equals("fraud@staging")).toList();
    assertEquals("", moves.get(0).before());
    assertEquals("{\"version\":1}", moves.get(1).before());
    assertEquals("{\"version\":2}", moves.get(1).after());
    assertEquals(Map.of("version", "2"), moves.get(1).afterFields());
  }

  @Test
  void promotionNeedsPassingGatesAndAnotherPersonsApproval() {
    String runId = trackedRun(1, 0.93);
    ModelVersion v1 = registry.register(Registration.of("fraud").fromRunArtifact(runId, "model/model.tribuo"));
    AccessDeniedException direct = assertThrows(AccessDeniedException.class, () -> registry.setAlias("fraud", "champion", 1));
    assertTrue(direct.getMessage().contains("protected"), direct.getMessage());

    PromotionRequest r1 = registry.requestPromotion("fraud", "champion", 1, "first champion");
    assertEquals(PromotionRequest.Status.REJECTED, r1.status(), "card and fairness tag missing");
    assertTrue(r1.gates().stream().anyMatch(g -> !g.passed() && g.gate().contains("intendedUse")));
    assertTrue(r1.gates().stream().anyMatch(g -> g.passed() && g.gate().contains("accuracy >= 0.8") && g.detail().contains("0.93")));

    registry.updateCard("fraud", 1, new ModelCard("Score card transactions for fraud review", "Not for loans", List.of(), Map.of(), "", "",
        List.of("risk-team")));
    registry.setVersionTag("fraud", 1, "fairness_review", "passed");
    PromotionRequest r2 = registry.requestPromotion("fraud", "champion", 1, "first champion");
    assertEquals(PromotionRequest.Status.OPEN, r2.status(), r2.gates().toString());

    AccessDeniedException self = assertThrows(AccessDeniedException.class, () -> registry.approve(r2.id(), "lgtm"));
    assertTrue(self.getMessage().contains("cannot decide"), self.getMessage());
    AuditEntry denial = registry.audit().get(registry.audit().size() - 1);
    assertEquals("DENIED", denial.action());
    assertEquals("alice", denial.actor());

    who.set("bob");
    PromotionRequest done = registry.approve(r2.id(), "checked the card");
    assertEquals(PromotionRequest.Status.APPROVED, done.status());
    assertEquals(v1.version(), registry.resolve("models:/fraud@champion").version());
    assertEquals(4, done.gates().stream().filter(g -> g.phase().equals("approval")).count(), "every gate ran again at approval");

    // a worse challenger fails the relative gate
    who.set("alice");
    String worseRun = trackedRun(3, 0.85);
    ModelVersion v2 = registry.register(Registration.of("fraud").fromRunArtifact(worseRun, "model/model.tribuo")
        .tag("fairness_review", "passed").card(new ModelCard("same", "", List.of(), Map.of(), "", "", List.of())));
    PromotionRequest r3 = registry.requestPromotion("fraud", "champion", v2.version(), "challenger");
    assertEquals(PromotionRequest.Status.REJECTED, r3.status());
    assertTrue(r3.gates().stream().anyMatch(g -> !g.passed() && g.gate().contains("no worse than the current holder")), r3.gates().toString());
    assertEquals(1, registry.resolve("models:/fraud@champion").version());
  }

  @Test
  void aHolderWithoutTheComparedMetricDoesNotBlockTheAliasForever() {
    // the holder was promoted under other gates (a retraining loop's registry, whose runs log
    // "accuracy"); this registry's relative gate reads "test_accuracy", which the holder never had
    try (ModelRegistry loop = ModelRegistry.builder().storage(backend).clock(clock).principal(who::get).protectAlias("champion", 1)
        .gate("champion", Gates.metricAtLeast("accuracy", 0.8)).build();
        ModelRegistry team = ModelRegistry.builder().storage(backend).clock(clock).principal(who::get).protectAlias("champion", 1)
            .gate("champion", Gates.metricAtLeast("test_accuracy", 0.8))
            .gate("champion", Gates.noWorseThanHolder("test_accuracy", 0.01, true)).build()) {
      ModelVersion retrained = loop.register(Registration.of("fraud").fromRunArtifact(trackedRun(1, 0.9), "model/model.tribuo"));
      PromotionRequest first = loop.requestPromotion("fraud", "champion", retrained.version(), "retrained");
      who.set("bob");
      assertEquals(PromotionRequest.Status.APPROVED, loop.approve(first.id(), "ok").status());

      who.set("alice");
      String runId;
      try (ActiveRun run = tracker.startRun("fraud-training")) {
        run.logModel(Models.train(2), "model");
        run.logMetric("test_accuracy", 0.92);
        runId = run.id();
      }
      ModelVersion candidate = team.register(Registration.of("fraud").fromRunArtifact(runId, "model/model.tribuo"));
      PromotionRequest r = team.requestPromotion("fraud", "champion", candidate.version(), "best of the sweep");
      assertEquals(PromotionRequest.Status.OPEN, r.status(), r.gates().toString());
      GateResult relative = r.gates().stream().filter(g -> g.gate().contains("no worse than the current holder")).findFirst().orElseThrow();
      assertTrue(relative.passed() && relative.detail().contains("v" + retrained.version() + " has no test_accuracy"), relative.toString());

      // a candidate without the metric still fails: the gate judges the candidate, not the holder
      ModelVersion bare = team.register(Registration.of("fraud").fromRunArtifact(trackedRun(3, 0.95), "model/model.tribuo"));
      PromotionRequest unknown = team.requestPromotion("fraud", "champion", bare.version(), "no test figure");
      assertEquals(PromotionRequest.Status.REJECTED, unknown.status(), unknown.gates().toString());
      assertTrue(unknown.gates().stream().anyMatch(g -> !g.passed() && g.detail().contains("test_accuracy missing on the candidate")),
          unknown.gates().toString());
    }
  }

  @Test
  void gatesReadTheLiveMetricsOfARunThatIsStillLogging() {
    try (ActiveRun run = tracker.startRun("fraud-training")) {
      run.logModel(Models.train(1), "model");
      run.logMetric("accuracy", 0.5, 0);
      ModelVersion v = registry.register(Registration.of("fraud").fromRunArtifact(run.id(), "model/model.tribuo")
          .tag("fairness_review", "passed").card(new ModelCard("Flag transactions", "", List.of(), Map.of(), "", "", List.of())));
      assertEquals(0.5, v.lineage().metrics().get("accuracy"));

      // the run goes on logging: its newest points are written but not yet read back by anyone
      run.logMetric("accuracy", 0.91, 1);
      PromotionRequest r = registry.requestPromotion("fraud", "champion", v.version(), "while training");
      assertEquals(PromotionRequest.Status.OPEN, r.status(), r.gates().toString());
      assertTrue(r.gates().stream().anyMatch(g -> g.gate().contains("accuracy >= 0.8") && g.detail().equals("accuracy = 0.91")),
          r.gates().toString());

      run.logMetric("accuracy", 0.95, 2);
      who.set("bob");
      PromotionRequest done = registry.approve(r.id(), "checked");
      assertEquals(PromotionRequest.Status.APPROVED, done.status(), done.gates().toString());
      assertTrue(done.gates().stream().anyMatch(g -> g.phase().equals("approval") && g.detail().equals("accuracy = 0.95")),
          done.gates().toString());
      assertEquals(v.version(), registry.resolve("models:/fraud@champion").version());

      run.logMetric("accuracy", 0.2, 3);
      who.set("alice");
      PromotionRequest late = registry.requestPromotion("fraud", "champion", v.version(), "after a bad epoch");
      assertEquals(PromotionRequest.Status.REJECTED, late.status(), "the gate saw the newest point: " + late.gates());
    }
    assertEquals(0.2, tracker.getRun(registry.getVersion("fraud", 1).lineage().runId()).latestMetrics().get("accuracy").value(),
        "the tracking store still holds every point");
    assertTrue(registry.verifyAudit().valid());
  }

  @Test
  void severalApprovalsCanBeRequired() {
    try (ModelRegistry strict = ModelRegistry.builder().storage(backend).clock(clock).principal(who::get).protectAlias("prod", 2).build()) {
      strict.register(Registration.of("m").fromModel(Models.train(1)));
      PromotionRequest r = strict.requestPromotion("m", "prod", 1, "go");
      who.set("bob");
      PromotionRequest half = strict.approve(r.id(), "one");
      assertEquals(PromotionRequest.Status.OPEN, half.status());
      assertThrows(dev.mlops.api.ConflictException.class, () -> strict.approve(r.id(), "again"));
      who.set("carol");
      assertEquals(PromotionRequest.Status.APPROVED, strict.approve(r.id(), "two").status());
      assertEquals(1, strict.resolve("models:/m@prod").version());
    }
  }

  @Test
  void roleBasedAccessDeniesAndAuditsTheDenial() {
    AccessPolicy policy = RoleBasedAccessPolicy.builder()
        .grant("alice", RoleBasedAccessPolicy.Role.CONTRIBUTOR, "fraud-*")
        .grant("bob", RoleBasedAccessPolicy.Role.APPROVER, "*")
        .grant("carol", RoleBasedAccessPolicy.Role.VIEWER, "*")
        .build();
    assertTrue(policy.allows("alice", Action.REGISTER_VERSION, "fraud-eu"));
    assertFalse(policy.allows("alice", Action.REGISTER_VERSION, "churn"));
    assertFalse(policy.allows("alice", Action.DELETE, "fraud-eu"));
    try (ModelRegistry guarded = ModelRegistry.builder().storage(backend).clock(clock).principal(who::get).accessPolicy(policy)
        .protectAlias("champion", 1).build()) {
      guarded.register(Registration.of("fraud-eu").fromModel(Models.train(1)));
      who.set("carol");
      AccessDeniedException e = assertThrows(AccessDeniedException.class,
          () -> guarded.register(Registration.of("fraud-eu").fromModel(Models.train(2))));
      assertTrue(e.getMessage().contains("carol may not register version on model 'fraud-eu'"), e.getMessage());
      AuditEntry last = guarded.audit().get(guarded.audit().size() - 1);
      assertEquals("DENIED", last.action());
      assertEquals("carol", last.actor());
      assertEquals(Map.of("action", "REGISTER_VERSION"), last.afterFields());
      who.set("alice");
      assertThrows(AccessDeniedException.class, () -> guarded.deleteVersion("fraud-eu", 1));
      PromotionRequest r = guarded.requestPromotion("fraud-eu", "champion", 1, "go");
      who.set("carol");
      assertThrows(AccessDeniedException.class, () -> guarded.approve(r.id(), "me?"));
      who.set("bob");
      assertEquals(PromotionRequest.Status.APPROVED, guarded.approve(r.id(), "ok").status());
      assertEquals(1, guarded.versions("fraud-eu").size());
    }
  }

  @Test
  void auditTrailIsQueryableExportableAndVerifies() throws Exception {
    registry.register(Registration.of("fraud").fromModel(Models.train(1)));
    clock.advance(1000);
    who.set("bob");
    registry.setAlias("fraud", "staging", 1);
    registry.createModel("churn", "", Map.of());
    List<AuditEntry> all = registry.audit();
    assertEquals(4, all.size());
    assertEquals(List.of("MODEL_CREATED", "VERSION_REGISTERED", "ALIAS_MOVED", "MODEL_CREATED"), all.stream().map(AuditEntry::action).toList());
    assertEquals(2, registry.audit(null, "bob", Long.MIN_VALUE, Long.MAX_VALUE).size());
    assertEquals(3, registry.audit("fraud", null, Long.MIN_VALUE, Long.MAX_VALUE).size());
    assertEquals(2, registry.audit(null, null, clock.millis(), Long.MAX_VALUE).size());
    StringWriter out = new StringWriter();
    registry.exportAudit(out);
    String[] lines = out.toString().split("\n");
    assertEquals(4, lines.length);
    JsonNode first = new ObjectMapper().readTree(lines[0]);
    assertEquals("MODEL_CREATED", first.get("action").asText());
    assertEquals(all.get(0).hash(), first.get("hash").asText());
    for (String line : lines) {
      // the export alone verifies: each line's hash is recomputed from the line's own fields
      JsonNode e = new ObjectMapper().readTree(line);
      assertEquals(e.get("hash").asText(), AuditChain.hash(e.get("prevHash").asText(), e.get("seq").asLong(), e.get("time").asLong(),
          e.get("actor").asText(), e.get("action").asText(), e.get("target").asText(), e.get("before").asText(), e.get("after").asText(),
          e.get("reason").asText()), line);
    }
    AuditChain.Verification ok = registry.verifyAudit();
    assertTrue(ok.valid(), ok.problems().toString());
    assertEquals(4, ok.headSeq());
  }

  @Test
  void theAuditOfAModelWhoseNameHoldsAHashMarkHoldsItsEntries() {
    registry.register(Registration.of("fraud#eu").fromModel(Models.train(1)));
    registry.setAlias("fraud#eu", "staging", 1);
    registry.createModel("fraud", "", Map.of());
    List<AuditEntry> entries = registry.audit("fraud#eu", null, Long.MIN_VALUE, Long.MAX_VALUE);
    assertEquals(List.of("MODEL_CREATED", "VERSION_REGISTERED", "ALIAS_MOVED"), entries.stream().map(AuditEntry::action).toList());
    assertTrue(entries.stream().allMatch(e -> e.model().equals("fraud#eu")), entries.toString());
    assertEquals(1, registry.audit("fraud", null, Long.MIN_VALUE, Long.MAX_VALUE).size(), "another model's entries are not its");
  }

  @Test
  void noValueInTheAuditTrailCanForgeAField() throws Exception {
    registry.createModel("fraud", "flags payments;\nafter=forged", Map.of());
    registry.setModelTag("fraud", "team", "risk;owner=mallory");
    registry.register(Registration.of("fraud").fromModel(Models.train(1)));
    registry.setVersionTag("fraud", 1, "qa", "passed\",\"version\":\"9");
    registry.setVersionTag("fraud", 1, "qa", "passed;version=9");
    registry.setAlias("fraud", "staging", 1);
    ObjectMapper json = new ObjectMapper();
    Map<String, JsonNode> after = new java.util.LinkedHashMap<>();
    for (AuditEntry e : registry.audit()) {
      for (String side : List.of(e.before(), e.after())) {
        assertTrue(side.isEmpty() || json.readTree(side).isObject(), e.action() + " stores a JSON object or nothing: " + side);
      }
      after.put(e.action() + " " + e.target() + " " + e.seq(), e.after().isEmpty() ? null : json.readTree(e.after()));
    }
    List<JsonNode> tagged = after.entrySet().stream().filter(x -> x.getKey().startsWith("VERSION_TAG_SET")).map(Map.Entry::getValue).toList();
    assertEquals(json.readTree("{\"key\":\"qa\",\"value\":\"passed\\\",\\\"version\\\":\\\"9\"}"), tagged.get(0));
    assertEquals(json.readTree("{\"key\":\"qa\",\"value\":\"passed;version=9\"}"), tagged.get(1));
    JsonNode team = after.entrySet().stream().filter(x -> x.getKey().startsWith("MODEL_TAG_SET")).findFirst().orElseThrow().getValue();
    assertEquals(json.readTree("{\"key\":\"team\",\"value\":\"risk;owner=mallory\"}"), team);
    JsonNode created = after.entrySet().stream().filter(x -> x.getKey().startsWith("MODEL_CREATED")).findFirst().orElseThrow().getValue();
    assertEquals(json.readTree("{\"description\":\"flags payments;\\nafter=forged\"}"), created);
    assertTrue(registry.verifyAudit().valid());
  }

  @Test
  void everyEventIsAuditedUnderItsOwnTypeInTheSameTransaction() {
    // a clock that moves at every reading: each transaction has a time of its own
    try (ModelRegistry r = builder().clock(FakeClock.ticking(1_800_000_000_000L)).build()) {
      r.register(Registration.of("fraud").fromModel(Models.train(1)));
      r.register(Registration.of("fraud").fromModel(Models.train(2)));
      r.createModel("churn", "", Map.of());
      r.setModelTag("churn", "team", "risk");
      r.setModelDescription("churn", "churn model");
      r.setVersionTag("fraud", 1, "qa", "passed");
      r.updateCard("fraud", 1, new ModelCard("Flag transactions", "", List.of(), Map.of(), "", "", List.of()));
      r.setAlias("fraud", "staging", 1);
      r.setAlias("fraud", "staging", 2);
      r.requestPromotion("fraud", "champion", 1, "rejected by the fairness gate");
      assertThrows(AccessDeniedException.class, () -> r.setAlias("fraud", "champion", 1));
      r.deleteVersion("fraud", 2);
      r.renameModel("churn", "attrition");
      r.deleteModel("attrition");
      Map<Long, Set<String>> actions = new java.util.HashMap<>();
      r.audit().forEach(e -> actions.computeIfAbsent(e.time(), t -> new HashSet<>()).add(e.action()));
      List<RegistryEvent> events = r.eventsAfter(0, 1000);
      assertEquals(14, events.size(), events.toString());
      for (RegistryEvent e : events) {
        assertTrue(actions.getOrDefault(e.time(), Set.of()).contains(e.type()), e + " is audited under " + e.type() + ": " + actions);
      }
      Set<String> unannounced = new HashSet<>();
      r.audit().forEach(a -> {
        if (events.stream().noneMatch(e -> e.time() == a.time() && e.type().equals(a.action()))) {
          unannounced.add(a.action());
        }
      });
      assertEquals(Set.of("MODEL_TAG_SET", "MODEL_DESCRIBED", "CARD_UPDATED", "DENIED"), unannounced,
          "only these changes are audited without an event");
    }
  }

  @Test
  void tamperingWithTheStoredAuditTrailIsDetected() {
    registry.register(Registration.of("fraud").fromModel(Models.train(1)));
    registry.setAlias("fraud", "staging", 1);
    registry.setAlias("fraud", "canary", 1);
    registry.createModel("churn", "", Map.of());
    String head = registry.verifyAudit().headHash();

    tamperEdit(2, "mallory");
    AuditChain.Verification edited = registry.verifyAudit(head);
    assertFalse(edited.valid());
    assertTrue(edited.problems().stream().anyMatch(p -> p.startsWith("entry seq 2") && p.contains("edited")), edited.problems().toString());
  }

  @Test
  void deletingOrReorderingAuditEntriesIsDetected() {
    registry.register(Registration.of("fraud").fromModel(Models.train(1)));
    registry.setAlias("fraud", "staging", 1);
    registry.setAlias("fraud", "canary", 1);
    registry.createModel("churn", "", Map.of());
    registry.createModel("other", "", Map.of());
    String head = registry.verifyAudit().headHash();
    tamperSwap(3, 4);
    AuditChain.Verification swapped = registry.verifyAudit(head);
    assertFalse(swapped.valid());
    assertTrue(swapped.problems().stream().anyMatch(p -> p.startsWith("entry seq 3") || p.startsWith("entry seq 4")), swapped.problems().toString());
    tamperSwap(3, 4);
    assertTrue(registry.verifyAudit(head).valid(), "swapping back restores the chain");
    tamperDelete(2);
    AuditChain.Verification deleted = registry.verifyAudit(head);
    assertFalse(deleted.valid());
    assertTrue(deleted.problems().stream().anyMatch(p -> p.contains("seq 3") && p.contains("expected seq 2")), deleted.problems().toString());
    tamperDelete(6);
    assertTrue(registry.verifyAudit(head).problems().stream().anyMatch(p -> p.contains("removed from the end")));
  }

  @Test
  void anEntryInsertedInTheStoreIsDetected() {
    registry.register(Registration.of("fraud").fromModel(Models.train(1)));
    registry.setAlias("fraud", "staging", 1);
    AuditEntry last = registry.audit().get(registry.audit().size() - 1);
    // a forger who does not know how entries are hashed
    tamperAppend(new AuditEntry(last.seq() + 1, last.time() + 1, "mallory", "ALIAS_MOVED", "fraud@champion", "", "{\"version\":1}", "",
        last.hash(), "0".repeat(64)));
    AuditChain.Verification v = registry.verifyAudit();
    assertFalse(v.valid());
    assertTrue(v.problems().stream().anyMatch(p -> p.startsWith("entry seq " + (last.seq() + 1)) && p.contains("edited")), v.problems().toString());
    // one who copies the hash function but not the chain: the link to the previous entry breaks
    tamperDelete(last.seq() + 1);
    String fakePrev = "f".repeat(64);
    tamperAppend(new AuditEntry(last.seq() + 1, last.time() + 1, "mallory", "X", "fraud", "", "", "", fakePrev,
        AuditChain.hash(fakePrev, last.seq() + 1, last.time() + 1, "mallory", "X", "fraud", "", "", "")));
    assertTrue(registry.verifyAudit().problems().stream().anyMatch(p -> p.contains("previous-hash link")));
  }

  @Test
  void modelCardsArePrefilledFromLineageAndRendered() {
    String runId;
    try (ActiveRun run = tracker.newRun().experiment("fraud-training").tag("mlops.source.git.commit", "0123abc").start()) {
      run.logModel(Models.train(1), "model");
      run.logMetric("accuracy", 0.91);
      run.logInput(new Dataset("transactions", "d1", "", "", 100), DatasetInput.TRAINING);
      runId = run.id();
    }
    registry.register(Registration.of("fraud").fromRunArtifact(runId, "model/model.tribuo")
        .card(new ModelCard("Flag transactions", "", List.of(), Map.of(), "", "Human review of every flag", List.of("risk"))));
    ModelCard card = registry.card("fraud", 1);
    assertEquals(0.91, card.evaluationMetrics().get("accuracy"));
    assertTrue(card.trainingData().contains("transactions@d1 (training)"), card.trainingData().toString());
    String md = registry.cardMarkdown("fraud", 1);
    assertTrue(md.contains("# Model card: fraud v1"));
    assertTrue(md.contains("## Intended use\n\nFlag transactions"));
    assertTrue(md.contains("| accuracy | 0.9100 |"));
    assertTrue(md.contains("## Limitations\n\n_Not documented._"));
    String html = registry.cardHtml("fraud", 1);
    assertTrue(html.startsWith("<!DOCTYPE html>"));
    assertTrue(html.contains("<h1>Model card: fraud v1</h1>"));
    assertFalse(html.contains("<script"));
    assertTrue(md.contains("| Git commit | 0123abc |"), md);
    assertTrue(html.contains("<tr><th>Git commit</th><td><code>0123abc</code></td></tr>"), html);
  }

  @Test
  void eventsReachListenersInOrderAndAnotherInstanceSeesThemWhenItPolls() {
    List<RegistryEvent> local = new ArrayList<>();
    List<RegistryEvent> remote = new ArrayList<>();
    try (ModelRegistry here = builder().manualEventPolling().eventExecutor(Runnable::run).build();
        ModelRegistry other = builder().manualEventPolling().eventExecutor(Runnable::run).build()) {
      here.addListener(local::add);
      other.addListener(remote::add);
      here.register(Registration.of("fraud").fromModel(Models.train(1)));
      here.setAlias("fraud", "staging", 1);
      assertEquals(List.of("MODEL_CREATED", "VERSION_REGISTERED", "ALIAS_MOVED"), local.stream().map(RegistryEvent::type).toList());
      assertEquals(List.of(), remote, "another instance learns of the store's events only by polling it");
      other.pollEvents();
      assertEquals(local, remote, "another instance sees the same events, in order");
      other.pollEvents();
      assertEquals(3, remote.size(), "each event once");
      RegistryEvent.AliasMoved moved = (RegistryEvent.AliasMoved) local.get(2);
      assertEquals("staging", moved.alias());
      assertEquals(1, moved.version());
      assertTrue(moved.previous().isEmpty());
    }
  }

  @Test
  void durableSubscribersGetEveryEventOnceAndResumeAfterTheirCursor() throws Exception {
    registry.register(Registration.of("fraud").fromModel(Models.train(1)));
    registry.setAlias("fraud", "staging", 1);
    try (ModelRegistry subscriber = builder().manualEventPolling().build()) {
      List<RegistryEvent> durable = new ArrayList<>();
      AutoCloseable sub = subscriber.subscribe("deployer", Duration.ofMillis(20), durable::add);
      subscriber.pollEvents();
      assertEquals(List.of("MODEL_CREATED", "VERSION_REGISTERED", "ALIAS_MOVED"), durable.stream().map(RegistryEvent::type).toList(),
          "every stored event, also those from before the subscription");
      sub.close();
      registry.setAlias("fraud", "canary", 1);
      subscriber.pollEvents();
      assertEquals(3, durable.size(), "a closed subscription is not polled");

      List<RegistryEvent> resumed = new ArrayList<>();
      subscriber.subscribe("deployer", Duration.ofMillis(20), resumed::add);
      subscriber.pollEvents();
      subscriber.pollEvents();
      assertEquals(1, resumed.size(), "the subscription resumes after its stored cursor and delivers each event once: " + resumed);
      assertEquals("canary", ((RegistryEvent.AliasMoved) resumed.get(0)).alias());
    }
  }

  @Test
  void otherInstancesPickUpEventsByPollingInTheBackground() throws Exception {
    List<RegistryEvent> remote = new CopyOnWriteArrayList<>();
    List<RegistryEvent> durable = new CopyOnWriteArrayList<>();
    try (ModelRegistry other = builder().build()) {
      other.addListener(remote::add);
      other.subscribe("background", Duration.ofMillis(10), durable::add);
      registry.register(Registration.of("fraud").fromModel(Models.train(1)));
      Eventually.until(() -> remote.size() == 2 && durable.size() == 2, () -> "the poller delivered both events: " + remote + " " + durable);
      assertEquals(List.of("MODEL_CREATED", "VERSION_REGISTERED"), remote.stream().map(RegistryEvent::type).toList());
      assertEquals(remote, durable);
    }
  }

  @Test
  void loadVerifiesTheDigestCachesAndRefusesCorruptedOrJavaSerializedBytes() throws Exception {
    Model<Label> trained = Models.train(1);
    ModelVersion v = registry.register(Registration.of("fraud").fromModel(trained));
    registry.setAlias("fraud", "staging", 1);
    LoadedModel<Label> loadedWithVersion = registry.load("models:/fraud@staging", Label.class);
    assertEquals(1, loadedWithVersion.version().version());
    assertEquals(v.sha256(), loadedWithVersion.version().sha256());
    Model<Label> loaded = loadedWithVersion.model();
    assertSame(loaded, registry.load("models:/fraud@staging", Label.class).model(), "cached");
    ArrayExample<Label> ex = new ArrayExample<>(new Label("unknown"), new String[] {"amount", "hour"}, new double[] {3, 0});
    Prediction<Label> p = loaded.predict(ex);
    assertEquals(trained.predict(ex).getOutput().getLabel(), p.getOutput().getLabel());
    assertThrows(InvalidArgumentException.class, () -> registry.load("models:/fraud@staging", org.tribuo.regression.Regressor.class));

    backend.store(ArtifactStore.class).put(ModelRegistry.BLOB_NAMESPACE, "blobs/" + v.sha256(), new ByteArrayInputStream(new byte[] {1, 2, 3}));
    try (ModelRegistry fresh = builder().build()) {
      IntegrityException e = assertThrows(IntegrityException.class, () -> fresh.load("models:/fraud/1", Label.class));
      assertTrue(e.getMessage().contains(v.sha256()), e.getMessage());
      assertTrue(e.getMessage().contains(dev.mlops.api.internal.Digests.sha256(new byte[] {1, 2, 3})), e.getMessage());
    }

    ByteArrayOutputStream javaBytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(javaBytes)) {
      out.writeObject(trained);
    }
    Path jser = dir.resolve("model.ser");
    Files.write(jser, javaBytes.toByteArray());
    registry.register(Registration.of("legacy").fromFile(jser).flavor(ModelVersion.GENERIC));
    InvalidArgumentException refused = assertThrows(InvalidArgumentException.class, () -> registry.load("models:/legacy/1", Label.class));
    assertTrue(refused.getMessage().contains("Java-serialized"), refused.getMessage());
    ObjectInputFilter allow = ObjectInputFilter.Config.createFilter("org.tribuo.**;com.oracle.labs.mlrg.olcut.**;java.**;!*");
    try (ModelRegistry permissive = builder().allowJavaSerialization(allow).build()) {
      Model<Label> legacy = permissive.load("models:/legacy/1", Label.class).model();
      assertNotNull(legacy.predict(ex).getOutput());
    }
  }

  @Test
  void modelsAreSearchedDescribedTaggedRenamedAndDeleted() {
    registry.createModel("fraud-eu", "EU card fraud", Map.of("team", "risk"));
    registry.createModel("fraud-us", "", Map.of("team", "risk", "tier", "gold"));
    registry.createModel("churn", "", Map.of("team", "growth"));
    assertEquals(List.of("fraud-eu", "fraud-us"), registry.searchModels("name LIKE 'fraud%'").stream().map(m -> m.name()).toList());
    assertEquals(List.of("fraud-us"), registry.searchModels("tags.team = 'risk' AND tags.tier IS NOT NULL").stream().map(m -> m.name()).toList());
    assertEquals(List.of("churn", "fraud-us"), registry.searchModels("tags.team = 'growth' OR tags.tier = 'gold'").stream().map(m -> m.name()).toList());
    assertThrows(InvalidArgumentException.class, () -> registry.searchModels("metrics.acc > 1"));
    registry.setModelDescription("churn", "who leaves");
    registry.setModelTag("churn", "team", "retention");
    assertEquals("who leaves", registry.getModel("churn").orElseThrow().description());
    assertEquals("retention", registry.getModel("churn").orElseThrow().tags().get("team"));
    registry.register(Registration.of("churn").fromModel(Models.train(1)));
    registry.setAlias("churn", "staging", 1);
    registry.renameModel("churn", "retention");
    assertTrue(registry.getModel("churn").isEmpty());
    assertEquals(1, registry.resolve("models:/retention@staging").version());
    assertThrows(dev.mlops.api.AlreadyExistsException.class, () -> registry.renameModel("retention", "fraud-eu"));
    registry.deleteModel("retention");
    assertThrows(NotFoundException.class, () -> registry.resolve("models:/retention/1"));
    assertTrue(registry.verifyAudit().valid());
  }

  @Test
  @Slow
  void aLoadAfterAnAliasMoveNeverReturnsAnOlderVersion() throws Exception {
    int moves = 1000;
    Path file = dir.resolve("m.tribuo");
    Files.write(file, dev.mlops.api.internal.tribuo.TribuoProtobuf.write(Models.train(1)));
    for (int i = 0; i <= moves; i++) {
      registry.register(Registration.of("m").fromFile(file));
    }
    registry.setAlias("m", "live", 1);
    java.util.concurrent.atomic.AtomicInteger completed = new java.util.concurrent.atomic.AtomicInteger(1);
    java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
    java.util.concurrent.atomic.AtomicLong loads = new java.util.concurrent.atomic.AtomicLong();
    List<String> stale = new CopyOnWriteArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      List<Future<?>> loaders = new ArrayList<>();
      for (int t = 0; t < 2; t++) {
        loaders.add(pool.submit(() -> {
          while (!done.get()) {
            int atLeast = completed.get();
            int got = registry.load("models:/m@live", Label.class).version().version();
            loads.incrementAndGet();
            if (got < atLeast) {
              stale.add("loaded v" + got + " after the move to v" + atLeast + " had returned");
            }
          }
          return null;
        }));
      }
      Future<?> mover = pool.submit(() -> {
        for (int v = 2; v <= moves + 1; v++) {
          registry.setAlias("m", "live", v);
          completed.set(v);
        }
        return null;
      });
      mover.get(5, TimeUnit.MINUTES);
      done.set(true);
      for (Future<?> f : loaders) {
        f.get(1, TimeUnit.MINUTES);
      }
    } finally {
      done.set(true);
      pool.shutdownNow();
    }
    assertTrue(stale.isEmpty(), stale.size() + " stale loads of " + loads.get() + ", first: " + (stale.isEmpty() ? "" : stale.get(0)));
    assertTrue(loads.get() >= moves, "the loaders ran alongside the moves: " + loads.get() + " loads");
    assertEquals(moves + 1, registry.load("models:/m@live", Label.class).version().version());
  }

  @Test
  void aRefusedRegistrationIntoANewModelIsAuditedAndLeavesNoBytes() throws Exception {
    AccessPolicy noCreate = (actor, action, model) -> action != Action.CREATE_MODEL;
    try (ModelRegistry guarded = ModelRegistry.builder().storage(backend).clock(clock).principal(who::get).accessPolicy(noCreate).build()) {
      int auditBefore = guarded.audit().size();
      Model<Label> m = Models.train(7);
      String sha = dev.mlops.api.internal.Digests.sha256(dev.mlops.api.internal.tribuo.TribuoProtobuf.write(m));
      AccessDeniedException e = assertThrows(AccessDeniedException.class, () -> guarded.register(Registration.of("brand-new").fromModel(m)));
      assertTrue(e.getMessage().contains("create model"), e.getMessage());
      assertTrue(guarded.getModel("brand-new").isEmpty());
      List<AuditEntry> audit = guarded.audit();
      assertEquals(auditBefore + 1, audit.size());
      assertEquals("DENIED", audit.get(audit.size() - 1).action());
      assertEquals("brand-new", audit.get(audit.size() - 1).target());
      assertThrows(NotFoundException.class, () -> backend.store(ArtifactStore.class).info(ModelRegistry.BLOB_NAMESPACE, "blobs/" + sha),
          "no orphan model bytes");
      assertTrue(guarded.verifyAudit().valid());
    }
  }

  /** A test flavor: a name, no signature, bytes loaded as their text; subclasses change one behaviour. */
  static class TestFlavor implements ModelFlavor {
    private final String name;

    TestFlavor(String name) {
      this.name = name;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public java.util.Optional<dev.mlops.api.registry.ModelSignature> inspect(byte[] bytes, java.util.Optional<Object> model,
        String inputExample) throws Exception {
      return java.util.Optional.empty();
    }

    @Override
    public Object load(byte[] bytes) {
      return new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
    }
  }

  /** A flavor that accepts only bytes starting with "OK": refuses others with InvalidArgumentException, fails on empty bytes. */
  static class StrictFlavor extends TestFlavor {
    StrictFlavor(String name) {
      super(name);
    }

    @Override
    public java.util.Optional<dev.mlops.api.registry.ModelSignature> inspect(byte[] bytes, java.util.Optional<Object> model,
        String inputExample) throws java.io.IOException {
      if (bytes.length == 0) {
        throw new java.io.IOException("empty");
      }
      if (bytes[0] != 'O' || bytes.length < 2 || bytes[1] != 'K') {
        throw InvalidArgumentException.of("model bytes", bytes.length + " bytes", "must start with OK");
      }
      return java.util.Optional.empty();
    }
  }

  @Test
  void aFlavorThatRefusesTheBytesLeavesNoVersionNoModelAndNoBytes() throws Exception {
    try (ModelRegistry strict = builder().flavor(new StrictFlavor("strict")).build()) {
      int auditBefore = strict.audit().size();
      Path bad = dir.resolve("bad.bin");
      Files.write(bad, new byte[] {'N', 'O', 'P', 'E'});
      InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
          () -> strict.register(Registration.of("strict-model").fromFile(bad).flavor("strict")));
      assertTrue(e.getMessage().contains("must start with OK"), e.getMessage());
      assertTrue(strict.getModel("strict-model").isEmpty(), "the model was not created");
      assertEquals(auditBefore, strict.audit().size(), "nothing was audited");
      assertThrows(NotFoundException.class, () -> backend.store(ArtifactStore.class).info(ModelRegistry.BLOB_NAMESPACE,
          "blobs/" + dev.mlops.api.internal.Digests.sha256(Files.readAllBytes(bad))), "no model bytes");

      Path empty = dir.resolve("empty.bin");
      Files.write(empty, new byte[0]);
      ModelVersion failed = strict.register(Registration.of("strict-model").fromFile(empty).flavor("strict"));
      assertEquals(ModelVersionStatus.FAILED_REGISTRATION, failed.status(), "other failures still register, visibly");
      Path good = dir.resolve("good.bin");
      Files.write(good, new byte[] {'O', 'K', '!'});
      ModelVersion ok = strict.register(Registration.of("strict-model").fromFile(good).flavor("strict"));
      assertEquals(ModelVersionStatus.READY, ok.status());
      assertEquals("OK!", strict.loadObject(ok.uri()).model());
    }
  }

  /**
   * A format whose bytes are one byte per input column and which names none of them: the names come
   * from the signature the registration gives, and loading needs them again.
   */
  static final class UnnamedColumnsFlavor extends TestFlavor {
    UnnamedColumnsFlavor() {
      super("unnamed-columns");
    }

    @Override
    public Inspection inspect(Candidate c) {
      List<dev.mlops.api.registry.FeatureSpec> given = c.signature().map(s -> s.inputs()).orElse(List.of());
      if (given.size() != c.bytes().length) {
        throw InvalidArgumentException.of("signature inputs", given.size(), "must name the model's " + c.bytes().length + " columns");
      }
      List<dev.mlops.api.registry.FeatureSpec> typed = given.stream().map(f -> new dev.mlops.api.registry.FeatureSpec(f.name(), "float"))
          .toList();
      return new Inspection(java.util.Optional.of(new dev.mlops.api.registry.ModelSignature(typed, List.of(), c.inputExample())),
          Map.of("columns", Integer.toString(c.bytes().length), "owner", "flavor"));
    }

    @Override
    public Object load(byte[] bytes) {
      throw new AssertionError("the registry calls load(bytes, version)");
    }

    @Override
    public Object load(byte[] bytes, ModelVersion version) {
      return version.signature().inputs().stream().map(f -> f.name()).toList();
    }
  }

  @Test
  void aFlavorReadsTheGivenSignatureAddsFactsAsTagsAndLoadsWithTheVersion() throws Exception {
    try (ModelRegistry r = builder().flavor(new UnnamedColumnsFlavor()).build()) {
      Path file = dir.resolve("three.bin");
      Files.write(file, new byte[] {1, 2, 3});
      dev.mlops.api.registry.ModelSignature names = new dev.mlops.api.registry.ModelSignature(List.of(
          new dev.mlops.api.registry.FeatureSpec("b", ""), new dev.mlops.api.registry.FeatureSpec("a", ""),
          new dev.mlops.api.registry.FeatureSpec("c", "")), List.of(), "");
      ModelVersion v = r.register(Registration.of("columns").fromFile(file).flavor("unnamed-columns").signature(names)
          .tag("owner", "alice").inputExample("{\"a\": 1}"));
      assertEquals(List.of("b", "a", "c"), v.signature().inputs().stream().map(f -> f.name()).toList());
      assertEquals(List.of("float", "float", "float"), v.signature().inputs().stream().map(f -> f.type()).toList(),
          "the flavor's signature is stored");
      assertEquals("{\"a\": 1}", v.signature().inputExample());
      assertEquals("3", v.tags().get("columns"));
      assertEquals("alice", v.tags().get("owner"), "the registration's own tag wins");
      assertEquals(List.of("b", "a", "c"), r.loadObject(v.uri()).model());

      InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
          () -> r.register(Registration.of("columns").fromFile(file).flavor("unnamed-columns")));
      assertTrue(e.getMessage().contains("must name the model's 3 columns"), e.getMessage());
      assertEquals(1, r.versions("columns").size());
    }
  }

  /** Loads each model as a new handle that its user closes, as a flavor holding a native session does. */
  static final class HandleFlavor extends TestFlavor {
    /** A loaded handle: unusable once closed. */
    static final class Handle implements AutoCloseable {
      final java.util.concurrent.atomic.AtomicBoolean open = new java.util.concurrent.atomic.AtomicBoolean(true);

      @Override
      public void close() {
        open.set(false);
      }
    }

    HandleFlavor() {
      super("handle");
    }

    @Override
    public Object load(byte[] bytes) {
      return new Handle();
    }

    @Override
    public boolean cachesLoaded() {
      return false;
    }
  }

  @Test
  void objectsOfAFlavorThatDoesNotCacheAreTheCallersOwnAndVerifiedOnEveryLoad() throws Exception {
    try (ModelRegistry r = builder().flavor(new HandleFlavor()).build()) {
      Path file = dir.resolve("handle.bin");
      Files.write(file, new byte[] {4, 5, 6});
      ModelVersion v = r.register(Registration.of("handles").fromFile(file).flavor("handle"));
      r.setAlias("handles", "live", v.version());
      HandleFlavor.Handle first = (HandleFlavor.Handle) r.loadObject("models:/handles@live").model();
      HandleFlavor.Handle second = (HandleFlavor.Handle) r.loadObject("models:/handles@live").model();
      first.close();
      assertTrue(second.open.get(), "closing one caller's object leaves another's open");
      assertTrue(((HandleFlavor.Handle) r.loadObject("models:/handles@live").model()).open.get(), "a later load gets an open object");

      backend.store(ArtifactStore.class).put(ModelRegistry.BLOB_NAMESPACE, "blobs/" + v.sha256(), new ByteArrayInputStream(new byte[] {7}));
      assertThrows(IntegrityException.class, () -> r.loadObject("models:/handles@live"), "the digest is checked on every load");
    }
  }

  @Test
  void aModelLargerThanItsFlavorTakesIsRefusedBeforeItsBytesAreRead() throws Exception {
    ModelFlavor small = new StrictFlavor("small") {
      @Override
      public long maxBytes() {
        return 4;
      }
    };
    try (ModelRegistry r = builder().flavor(small).build()) {
      Path five = dir.resolve("five.bin");
      Files.write(five, new byte[] {'O', 'K', 3, 4, 5});
      InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
          () -> r.register(Registration.of("small-model").fromFile(five).flavor("small")));
      assertTrue(e.getMessage().contains("5 bytes") && e.getMessage().contains("4-byte limit of flavor small"), e.getMessage());
      String runId;
      try (ActiveRun run = tracker.startRun("small")) {
        run.logArtifact("model.bin", new ByteArrayInputStream(new byte[] {'O', 'K', 3, 4, 5}));
        runId = run.id();
      }
      InvalidArgumentException fromRun = assertThrows(InvalidArgumentException.class,
          () -> r.register(Registration.of("small-model").fromRunArtifact(runId, "model.bin").flavor("small")));
      assertTrue(fromRun.getMessage().contains("runs:/" + runId + "/model.bin"), fromRun.getMessage());
      assertTrue(r.getModel("small-model").isEmpty(), "nothing was registered");
      assertThrows(NotFoundException.class, () -> backend.store(ArtifactStore.class).info(ModelRegistry.BLOB_NAMESPACE,
          "blobs/" + dev.mlops.api.internal.Digests.sha256(Files.readAllBytes(five))), "no model bytes");
      Path four = dir.resolve("four.bin");
      Files.write(four, new byte[] {'O', 'K', 3, 4});
      assertEquals(ModelVersionStatus.READY, r.register(Registration.of("small-model").fromFile(four).flavor("small")).status());
    }
  }

  @Test
  void aFileLargerThanAJavaArrayIsRefusedClearlyInsteadOfRunningOutOfMemory() throws Exception {
    Path huge = dir.resolve("huge.bin");
    try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(huge.toFile(), "rw")) {
      f.setLength(3L << 30);   // sparse: no disk blocks are written
    }
    InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
        () -> registry.register(Registration.of("huge").fromFile(huge)));
    assertTrue(e.getMessage().contains((3L << 30) + " bytes") && e.getMessage().contains("limit of flavor generic"), e.getMessage());
    assertTrue(registry.getModel("huge").isEmpty());
  }

  @Test
  void aGateOnAnUnprotectedAliasIsRefusedAtBuild() {
    InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> ModelRegistry.builder().storage(backend)
        .gate("staging", Gates.metricAtLeast("accuracy", 0.9)).build());
    assertTrue(e.getMessage().contains("staging") && e.getMessage().contains("not protected"), e.getMessage());
  }

  @Test
  void aNameWithSeparatorsCannotForgeEventFields() throws Exception {
    List<RegistryEvent> seen = new CopyOnWriteArrayList<>();
    try (ModelRegistry sync = builder().manualEventPolling().eventExecutor(Runnable::run).build()) {
      sync.addListener(seen::add);
      sync.register(Registration.of("x").fromModel(Models.train(1)));
      sync.renameModel("x", "x;version=9;alias=champion");
      sync.setAlias("x;version=9;alias=champion", "staging", 1);
    }
    RegistryEvent.ModelRenamed renamed = (RegistryEvent.ModelRenamed) seen.get(2);
    assertEquals("x", renamed.oldName());
    assertEquals("x;version=9;alias=champion", renamed.newName());
    RegistryEvent.AliasMoved moved = (RegistryEvent.AliasMoved) seen.get(4);
    assertEquals("x;version=9;alias=champion", moved.model());
    assertEquals("staging", moved.alias());
    assertEquals(1, moved.version());
  }

  @Test
  void listenersRunOffTheCommittingThreadAndStopWithTheRegistry() {
    List<Thread> delivering = new CopyOnWriteArrayList<>();
    List<RegistryEvent> heard = new CopyOnWriteArrayList<>();
    List<RegistryEvent> durable = new CopyOnWriteArrayList<>();
    ModelRegistry r = builder().build();
    r.addListener(e -> {
      delivering.add(Thread.currentThread());
      heard.add(e);
    });
    r.subscribe("closing", Duration.ofMillis(10), e -> {
      delivering.add(Thread.currentThread());
      durable.add(e);
    });
    r.register(Registration.of("fraud").fromModel(Models.train(1)));
    Eventually.until(() -> heard.size() == 2 && durable.size() == 2, () -> "listener and subscriber heard both events: " + heard + " " + durable);
    assertFalse(delivering.contains(Thread.currentThread()), "delivered off the committing thread: " + delivering);
    r.close();
    // the only threads that call this registry's listeners and subscribers end with it: nothing can reach them after close()
    for (Thread t : Set.copyOf(delivering)) {
      Eventually.until(() -> !t.isAlive(), "the registry's thread " + t.getName() + " ended with close()");
    }
    assertThrows(IllegalStateException.class, r::pollEvents);
  }

  @Test
  void closeWaitsForTheSubscriberItInterruptsAndDeliversNothingAfterIt() throws Exception {
    registry.register(Registration.of("fraud").fromModel(Models.train(1)));
    registry.setAlias("fraud", "staging", 1);
    CountDownLatch holding = new CountDownLatch(1);
    List<RegistryEvent> durable = new CopyOnWriteArrayList<>();
    ModelRegistry r = builder().build();
    r.subscribe("slow", Duration.ofMillis(10), e -> {
      durable.add(e);
      if (durable.size() == 1) {
        holding.countDown();
        try {
          new CountDownLatch(1).await(); // until close() interrupts the registry's thread
        } catch (InterruptedException closing) {
          // returns normally: the registry is closing
        }
      }
    });
    assertTrue(holding.await(60, TimeUnit.SECONDS), "the subscriber got the first of three events");
    r.close();
    assertEquals(1, durable.size(), "close() waited for the subscriber to return and let it have no further event: " + durable);
  }

  @Test
  void aFailingListenerDoesNotStopDeliveryToOthers() throws Exception {
    List<RegistryEvent> seen = new CopyOnWriteArrayList<>();
    try (ModelRegistry sync = builder().manualEventPolling().eventExecutor(Runnable::run).build()) {
      sync.addListener(e -> {
        throw new IllegalStateException("listener bug");
      });
      sync.addListener(seen::add);
      sync.register(Registration.of("fraud").fromModel(Models.train(1)));
      sync.setAlias("fraud", "staging", 1);
    }
    assertEquals(List.of("MODEL_CREATED", "VERSION_REGISTERED", "ALIAS_MOVED"), seen.stream().map(RegistryEvent::type).toList());
  }

  @Test
  void anEventExecutorThatRefusesLosesNoEventAndNeverDeliversOnTheCommittingThread() throws Exception {
    dev.mlops.testkit.HeldExecutor executor = new dev.mlops.testkit.HeldExecutor().refuse(true);
    List<String> seen = new CopyOnWriteArrayList<>();
    try (ModelRegistry r = builder().manualEventPolling().eventExecutor(executor).build()) {
      r.addListener(e -> seen.add(e.type()));
      r.register(Registration.of("fraud").fromModel(Models.train(1)));
      assertTrue(executor.refused() > 0);
      assertEquals(List.of(), seen, "a refused delivery ran on the committing thread");
      executor.refuse(false);
      r.setAlias("fraud", "staging", 1);
      assertEquals(List.of(), seen);
      assertEquals(1, executor.size());
      executor.runAll();
    }
    assertEquals(List.of("MODEL_CREATED", "VERSION_REGISTERED", "ALIAS_MOVED"), seen);
  }

  @Test
  void eventsCanBeReadAfterASequenceNumber() {
    long start = registry.lastEventSeq();
    registry.register(Registration.of("fraud").fromModel(Models.train(1)));
    registry.setAlias("fraud", "staging", 1);
    List<RegistryEvent> after = registry.eventsAfter(start, 10);
    assertEquals(3, after.size());
    assertEquals(after.get(2).seq(), registry.lastEventSeq());
    assertEquals(after.subList(1, 3), registry.eventsAfter(after.get(0).seq(), 10));
  }
}
