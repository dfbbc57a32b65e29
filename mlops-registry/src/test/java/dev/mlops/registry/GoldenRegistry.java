package dev.mlops.registry;

import dev.mlops.api.AccessDeniedException;
import dev.mlops.api.registry.ModelCard;
import dev.mlops.api.registry.PromotionRequest;
import dev.mlops.registry.RoleBasedAccessPolicy.Role;
import dev.mlops.testkit.FakeClock;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A golden {@code file:} registry store: a release fills it through the public API ({@link #fill}),
 * one change of every kind the registry audits (denials included, names and values holding
 * {@code ;}, {@code =}, quotes and line breaks), and records its audit trail as
 * {@link ModelRegistry#exportAudit} writes it; later releases open the same files and must read and
 * verify the same trail ({@code GoldenRegistryTest}). To record a new golden store at a release, run
 * {@link #main} there with the store directory and the audit file as arguments, zip the directory,
 * and put both under {@code src/test/resources/golden/}. Uses only API that release 0.1.0 has.
 */
public final class GoldenRegistry {
  private GoldenRegistry() {}

  /** Fills {@code dir} as a {@code file:} store with every kind of audited change. */
  public static void fill(Path dir) throws IOException {
    AtomicReference<String> who = new AtomicReference<>("alice");
    Path bytes = Files.writeString(Files.createTempDirectory("golden-registry-").resolve("model.bin"), "golden model bytes");
    RoleBasedAccessPolicy roles = RoleBasedAccessPolicy.builder()
        .grant("alice", Role.CONTRIBUTOR, "*")
        .grant("dave", Role.CONTRIBUTOR, "*")
        .grant("bob", Role.APPROVER, "*")
        .grant("carol", Role.APPROVER, "*")
        .grant("ops", Role.ADMIN, "*")
        .grant("eve", Role.VIEWER, "*")
        .build();
    // dave registers versions of existing models but may not create one
    AccessPolicy policy = (actor, action, model) -> !(actor.equals("dave") && action == Action.CREATE_MODEL)
        && roles.allows(actor, action, model);
    try (ModelRegistry registry = ModelRegistry.builder().storage("file:" + dir).principal(who::get)
        .clock(FakeClock.ticking(Instant.parse("2026-01-01T00:00:00Z").toEpochMilli()))
        .accessPolicy(policy)
        .protectAlias("champion", 2)
        .gate("champion", Gates.requiredTag("qa", "passed"))
        .build()) {
      String hostile = "fraud;version=9";
      registry.createModel("fraud", "flags \"card-not-present\" payments;\nafter=forged", Map.of("team", "risk"));
      registry.setModelTag("fraud", "team", "risk;owner=mallory");
      registry.setModelTag("fraud", "stage: review", "new");
      registry.setModelDescription("fraud", "second description");
      registry.register(Registration.of("fraud").fromFile(bytes).flavor("generic").tag("qa", "passed").description("v1"));
      registry.register(Registration.of("fraud").fromFile(bytes).flavor("generic").description("v2"));
      registry.register(Registration.of(hostile).fromFile(bytes).flavor("generic"));
      registry.setVersionTag("fraud", 2, "qa", "passed;version=1");
      registry.updateCard("fraud", 1, ModelCard.builder().intendedUse("golden").owner("risk").build());
      registry.setAlias("fraud", "staging", 1);
      registry.setAlias("fraud", "staging", 2);
      registry.setAlias(hostile, "shadow", 1);
      deny(() -> registry.setAlias("fraud", "champion", 1));
      PromotionRequest failing = registry.requestPromotion("fraud", "champion", 2, "tag value is not 'passed'");
      PromotionRequest open = registry.requestPromotion("fraud", "champion", 1, "beats the holder;after=x");
      deny(() -> registry.approve(open.id(), "self"));
      who.set("bob");
      registry.approve(open.id(), "looks good");
      who.set("carol");
      registry.approve(open.id(), "second approval");
      who.set("alice");
      PromotionRequest rejected = registry.requestPromotion("fraud", "champion", 1, "again");
      who.set("bob");
      registry.reject(rejected.id(), "not now");
      who.set("eve");
      deny(() -> registry.setModelTag("fraud", "k", "v"));
      deny(() -> registry.register(Registration.of("new-model").fromFile(bytes).flavor("generic")));
      who.set("dave");
      deny(() -> registry.register(Registration.of("new-model").fromFile(bytes).flavor("generic")));
      who.set("ops");
      PromotionRequest own = registry.requestPromotion("fraud", "champion", 1, "by an admin");
      deny(() -> registry.approve(own.id(), "my own"));
      registry.overrideProtectedAlias("fraud", "champion", 2, "rollback; version=1");
      registry.deleteAlias("fraud", "champion");
      registry.setAlias("fraud", "canary", 2);
      registry.deleteVersion("fraud", 2);
      registry.renameModel(hostile, "renamed");
      registry.deleteModel("renamed");
      if (failing.status() != PromotionRequest.Status.REJECTED) {
        throw new IllegalStateException("the failing request was not rejected by its gate: " + failing);
      }
    }
  }

  private static void deny(Runnable call) {
    try {
      call.run();
    } catch (AccessDeniedException expected) {
      return;
    }
    throw new IllegalStateException("the call was not denied");
  }

  /** The audit trail as {@link ModelRegistry#exportAudit} writes it. */
  static String export(ModelRegistry registry) {
    StringWriter out = new StringWriter();
    registry.exportAudit(out);
    return out.toString();
  }

  /** Fills a store at {@code args[0]} and writes its exported audit trail to {@code args[1]}. */
  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args[0]);
    fill(dir);
    try (ModelRegistry registry = ModelRegistry.builder().storage("file:" + dir).build()) {
      if (!registry.verifyAudit().valid()) {
        throw new IllegalStateException("the golden trail does not verify: " + registry.verifyAudit().problems());
      }
      Files.writeString(Path.of(args[1]), export(registry));
    }
  }
}
