package dev.mlops.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.mlops.api.StorageBackend;
import dev.mlops.api.registry.ModelCard;
import dev.mlops.api.registry.ModelVersion;
import dev.mlops.api.registry.PromotionRequest;
import dev.mlops.testkit.Postgres;
import dev.mlops.testkit.PostgresServer;
import dev.mlops.tracking.ActiveRun;
import dev.mlops.tracking.Tracker;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

@Postgres
class PostgresModelRegistryTest extends SqlModelRegistryContract {
  @Override
  StorageBackend newBackend() {
    String url = PostgresServer.newDatabase();
    tamper = new SqlTamper(url);
    return StorageBackend.open(url);
  }

  @Test
  void aGateReadsTheSourceRunOnTheRegistrysOwnConnection() {
    // a pool of one connection: a read that took a second one inside the registry's transaction would wait for itself
    HikariConfig cfg = new HikariConfig();
    cfg.setJdbcUrl(PostgresServer.newDatabase());
    cfg.setMaximumPoolSize(1);
    cfg.setConnectionTimeout(1_000);
    try (HikariDataSource pool = new HikariDataSource(cfg); StorageBackend single = StorageBackend.open(cfg.getJdbcUrl(), pool);
        Tracker t = Tracker.builder().storage(single).clock(clock).principal(who::get).build();
        ModelRegistry r = ModelRegistry.builder().storage(single).clock(clock).principal(who::get).protectAlias("champion", 1)
            .gate("champion", Gates.metricAtLeast("accuracy", 0.8)).build();
        ActiveRun run = t.startRun("fraud-training")) {
      run.logModel(Models.train(1), "model");
      run.logMetric("accuracy", 0.93);
      ModelVersion v = r.register(Registration.of("fraud").fromRunArtifact(run.id(), "model/model.tribuo")
          .card(new ModelCard("Flag transactions", "", List.of(), Map.of(), "", "", List.of())));
      PromotionRequest request = r.requestPromotion("fraud", "champion", v.version(), "one connection");
      assertEquals(PromotionRequest.Status.OPEN, request.status(), request.gates().toString());
      who.set("bob");
      assertEquals(PromotionRequest.Status.APPROVED, r.approve(request.id(), "ok").status());
    }
  }
}
