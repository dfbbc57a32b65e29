package dev.mlops.mlflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlops.api.StorageBackend;
import dev.mlops.api.registry.AuditEntry;
import dev.mlops.api.registry.PromotionRequest;
import dev.mlops.registry.Action;
import dev.mlops.registry.ModelRegistry;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.mlflow.tracking.MlflowClient;
import org.mlflow.tracking.MlflowHttpException;
import org.mlflow.tracking.creds.BasicMlflowHostCreds;

/**
 * The registry's governance through the MLflow routes: each client's token names its principal
 * (an {@link dev.mlops.api.Authenticator}); the access policy decides who may write, a protected
 * alias moves only through an approved promotion request, and the audit trail names who asked.
 */
class MlflowGovernanceTest {
  private static final Map<String, String> TOKENS = Map.of("alice-token-0123456789", "alice", "bob-token-0123456789", "bob",
      "eve-token-0123456789", "eve");
  private StorageBackend backend;
  private MlflowServer server;
  private MlflowClient alice;
  private MlflowClient eve;

  @BeforeEach
  void start() {
    backend = StorageBackend.open("mem:" + UUID.randomUUID());
    server = MlflowServer.builder().storage(backend).port(0)
        .authenticator(headers -> {
          List<String> auth = headers.get("Authorization");
          return auth == null || !auth.get(0).startsWith("Bearer ") ? null : TOKENS.get(auth.get(0).substring(7));
        })
        .registry(r -> r.protectAlias("production", 1).accessPolicy((actor, action, model) -> !actor.equals("eve") || action == Action.VIEW))
        .start();
    alice = new MlflowClient(new BasicMlflowHostCreds(server.url(), "alice-token-0123456789"));
    eve = new MlflowClient(new BasicMlflowHostCreds(server.url(), "eve-token-0123456789"));
  }

  @AfterEach
  void stop() {
    alice.close();
    eve.close();
    server.close();
    backend.close();
  }

  private void registerVersion() {
    String runId = alice.createRun().getRunId();
    try (var tracker = dev.mlops.tracking.Tracker.builder().storage(backend).build()) {
      tracker.artifacts().put(runId, "model/model.bin", new java.io.ByteArrayInputStream("weights".getBytes(StandardCharsets.UTF_8)));
    }
    alice.sendPost("model-versions/create", "{\"name\": \"fraud\", \"source\": \"runs:/" + runId + "/model\"}");
  }

  @Test
  @DisplayName("a transition to a protected stage is PERMISSION_DENIED and audited; the alias moves when a request is approved")
  void protectedStage() {
    registerVersion();
    MlflowHttpException refused = assertThrows(MlflowHttpException.class, () -> alice.sendPost("model-versions/transition-stage",
        "{\"name\": \"fraud\", \"version\": \"1\", \"stage\": \"Production\"}"));
    assertEquals(403, refused.getStatusCode());
    assertTrue(refused.getBodyMessage().contains("PERMISSION_DENIED"), refused.getBodyMessage());
    assertEquals("None", alice.getModelVersion("fraud", "1").getCurrentStage());
    assertThrows(MlflowHttpException.class, () -> alice.sendPost("registered-models/alias",
        "{\"name\": \"fraud\", \"alias\": \"production\", \"version\": \"1\"}"));

    try (ModelRegistry asAlice = ModelRegistry.builder().storage(backend).principal(() -> "alice").protectAlias("production", 1).build();
        ModelRegistry asBob = ModelRegistry.builder().storage(backend).principal(() -> "bob").protectAlias("production", 1).build()) {
      PromotionRequest request = asAlice.requestPromotion("fraud", "production", 1, "passes review");
      asBob.approve(request.id(), "ok");
      List<AuditEntry> audit = asAlice.audit();
      assertTrue(audit.stream().anyMatch(a -> a.actor().equals("alice") && a.action().contains("REGISTER")), audit.toString());
      assertTrue(audit.stream().anyMatch(a -> a.actor().equals("alice") && a.action().contains("DENIED")), audit.toString());
    }
    assertEquals("Production", alice.getModelVersion("fraud", "1").getCurrentStage());
  }

  @Test
  @DisplayName("the access policy refuses a principal's write with PERMISSION_DENIED and nothing is written")
  void accessPolicy() {
    registerVersion();
    MlflowHttpException e = assertThrows(MlflowHttpException.class, () -> eve.sendPost("registered-models/alias",
        "{\"name\": \"fraud\", \"alias\": \"champion\", \"version\": \"1\"}"));
    assertEquals(403, e.getStatusCode());
    assertTrue(eve.sendGet("registered-models/get?name=fraud").contains("\"aliases\":[]"), "eve may read, and nothing moved");
    MlflowHttpException anonymous = assertThrows(MlflowHttpException.class,
        () -> new MlflowClient(server.url()).sendGet("registered-models/get?name=fraud"));
    assertEquals(401, anonymous.getStatusCode());
  }
}
