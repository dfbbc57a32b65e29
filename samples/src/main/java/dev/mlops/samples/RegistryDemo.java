package dev.mlops.samples;

import dev.mlops.api.StorageBackend;
import dev.mlops.api.registry.AuditChain;
import dev.mlops.api.registry.AuditEntry;
import dev.mlops.api.registry.ModelCard;
import dev.mlops.api.registry.ModelVersion;
import dev.mlops.api.registry.PromotionRequest;
import dev.mlops.api.registry.GateResult;
import dev.mlops.api.tracking.Run;
import dev.mlops.registry.Gates;
import dev.mlops.registry.LoadedModel;
import dev.mlops.registry.ModelRegistry;
import dev.mlops.registry.Registration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.tribuo.Example;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;

/** The registry half of the demo: register, promote through a gate and a second approver, load by alias, audit, model card. */
final class RegistryDemo {
  private RegistryDemo() {}

  static Model<Label> promoteAndServe(StorageBackend backend, DemoNames names, Run best, MutableDataset<Label> test) throws Exception {
    String model = names.model();
    AtomicReference<String> user = new AtomicReference<>("alice");
    try (ModelRegistry registry = ModelRegistry.builder().storage(backend).principal(user::get)
        .protectAlias("champion", 1)
        .gate("champion", Gates.metricAtLeast("test_accuracy", 0.8))
        .gate("champion", Gates.noWorseThanHolder("test_accuracy", 0.01, true))
        .gate("champion", Gates.requiredCardFields("intendedUse", "limitations"))
        .build()) {
      ModelVersion v = registry.register(Registration.of(model)
          .fromRunArtifact(best.id(), "model/model.tribuo")
          .description("best trial of the churn sweep")
          .card(new ModelCard("Rank customers by churn risk for the retention team's outreach list.",
              "Trained on generated data; not validated on real customers. Not for pricing or credit decisions.",
              List.of(), Map.of(), "", "A person reviews every outreach list before use.", List.of("retention-team"))));
      System.out.printf("%nRegistered %s (sha256 %s..., %d inputs, outputs %s)%n", v.uri(), v.sha256().substring(0, 12),
          v.signature().inputs().size(), v.signature().outputDomain());

      PromotionRequest request = registry.requestPromotion(model, "champion", v.version(), "best test accuracy of the sweep");
      System.out.println("Promotion request by alice: " + request.status());
      for (GateResult g : request.gates()) {
        System.out.printf("  gate %-58s %s  (%s)%n", g.gate(), g.passed() ? "PASS" : "FAIL", g.detail());
      }
      if (request.status() == PromotionRequest.Status.OPEN) {
        user.set("bob");
        PromotionRequest approved = registry.approve(request.id(), "gates pass, card reviewed");
        System.out.println("Approved by bob: " + approved.status());
      }

      LoadedModel<Label> champion = registry.load("models:/" + model + "@champion", Label.class);
      Example<Label> example = test.getExample(0);
      Prediction<Label> p = champion.model().predict(example);
      System.out.printf("models:/%s@champion (version %d) predicts '%s' (truth '%s') for the first test customer%n",
          model, champion.version().version(), p.getOutput().getLabel(), example.getOutput().getLabel());

      System.out.println("\nAudit trail:");
      for (AuditEntry e : registry.audit(model, null, Long.MIN_VALUE, Long.MAX_VALUE)) {
        System.out.printf("  #%-3d %-6s %-19s %-28s %s%n", e.seq(), e.actor(), e.action(), e.target(),
            e.after().length() > 60 ? e.after().substring(0, 57) + "..." : e.after());
      }
      AuditChain.Verification check = registry.verifyAudit();
      System.out.printf("Audit chain: %s, %d entries, head %s...%n", check.valid() ? "verified" : "BROKEN " + check.problems(),
          check.entries(), check.headHash().substring(0, 12));

      Path cards = Path.of("mlops", "model-cards");
      Files.createDirectories(cards);
      Files.writeString(cards.resolve(model + "-v" + v.version() + ".md"), registry.cardMarkdown(model, v.version()));
      Files.writeString(cards.resolve(model + "-v" + v.version() + ".html"), registry.cardHtml(model, v.version()));
      System.out.println("Model card written to " + cards.resolve(model + "-v" + v.version() + ".md") + " and .html");
      return champion.model();
    }
  }
}
