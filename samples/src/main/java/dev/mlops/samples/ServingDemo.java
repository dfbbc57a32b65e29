package dev.mlops.samples;

import dev.mlops.api.StorageBackend;
import dev.mlops.api.registry.ModelVersion;
import dev.mlops.registry.ModelRegistry;
import dev.mlops.registry.Registration;
import dev.mlops.serving.AbSummary;
import dev.mlops.serving.Endpoint;
import dev.mlops.serving.EndpointStatus;
import dev.mlops.serving.ModelServer;
import dev.mlops.serving.RolloutEvent;
import dev.mlops.serving.RolloutPolicy;
import dev.mlops.serving.Served;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.tribuo.Example;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.dtree.CARTClassificationTrainer;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.SimpleDataSourceProvenance;

/**
 * The serving part of the demo: the champion serves through an in-process endpoint, a retrained
 * challenger takes 20 % of the traffic as a canary with a shadow beside it, four threads send
 * requests whose true labels arrive as feedback; then a deliberately broken challenger (it calls
 * every "churn" customer "stay") becomes the canary, and the endpoint's rollout policy rolls it
 * back on its labelled accuracy, moving the canary alias back through the registry.
 */
final class ServingDemo {
  private ServingDemo() {}

  static void serve(StorageBackend backend, DemoNames names, MutableDataset<Label> train, MutableDataset<Label> test) throws Exception {
    String model = names.model();
    long demoStart = System.currentTimeMillis();
    System.out.println("\nServing models:/" + model + "@champion in process");
    try (ModelRegistry operator = ModelRegistry.builder().storage(backend).principal(() -> "alice").eventPollInterval(Duration.ofMillis(50))
        .protectAlias("champion", 1).build();
        ModelRegistry servingRegistry = ModelRegistry.builder().storage(backend).principal(() -> "serving")
            .eventPollInterval(Duration.ofMillis(50)).protectAlias("champion", 1).build();
        ModelServer server = ModelServer.builder().registry(servingRegistry).build()) {
      // a retrained challenger (a CART tree) goes to the canary alias
      ModelVersion challenger = operator.register(Registration.of(model)
          .fromModel(new CARTClassificationTrainer(6).train(train)).description("CART challenger"));
      operator.setAlias(model, "canary", challenger.version());
      Endpoint<Label> churn = server.endpoint("churn", Label.class)
          .serve("models:/" + model + "@champion")
          .canary("models:/" + model + "@canary", 0.2)
          .shadow("shadow", "models:/" + model + "/" + challenger.version())
          .rollout(RolloutPolicy.builder().window(200).maxErrorRate(0.02).minAccuracyDelta(-0.15, 50).restoreAlias(true).build())
          .build();
      List<RolloutEvent> fired = new CopyOnWriteArrayList<>();
      churn.onRollout(e -> {
        fired.add(e);
        System.out.println("  ROLLOUT " + e);
      });
      System.out.println(churn.describe());

      int sent = traffic(churn, test, 4, 4000, 21);
      System.out.printf("Sent %d requests from 4 threads; the true labels arrived as feedback%n", sent);

      // a broken challenger: it learned "stay" where the truth is "churn"
      ModelVersion broken = operator.register(Registration.of(model).fromModel(
          new CARTClassificationTrainer(6).train(relabel(train, "churn", "stay"))).description("broken: churn mislabelled as stay"));
      operator.setAlias(model, "canary", broken.version());
      System.out.printf("%nRegistered v%d (mislabels churn as stay) and moved @canary to it%n", broken.version());
      long deadline = System.currentTimeMillis() + 10_000;
      while (churn.describe().variants().get(1).version() != broken.version() && System.currentTimeMillis() < deadline) {
        Thread.sleep(20);
      }
      fired.clear();
      for (int round = 0; round < 10 && fired.isEmpty(); round++) {
        sent += traffic(churn, test, 4, 1000, 30 + round);
      }
      List<RolloutEvent> rollbacks = List.copyOf(fired);
      churn.awaitBackgroundWork(10_000);
      deadline = System.currentTimeMillis() + 10_000;
      while (operator.aliases(model).get("canary") == broken.version() && System.currentTimeMillis() < deadline) {
        Thread.sleep(20);
      }
      System.out.printf("@canary now points at v%d; the audit trail records the move: %s%n",
          operator.aliases(model).get("canary"),
          operator.audit(model, "serving", demoStart, Long.MAX_VALUE).stream()
              .map(a -> a.actor() + " " + a.action() + " " + a.target() + " " + a.after()).toList());
      sent += traffic(churn, test, 4, 1000, 50);
      churn.awaitBackgroundWork(10_000);
      EndpointStatus status = churn.describe();
      System.out.printf("%nSent %d requests in all (4 threads; the broken canary's rounds and 4000 after its rollback included)%n", sent);
      System.out.println(status);
      System.out.println("A/B summary against the champion (accuracy on labelled requests):");
      for (AbSummary ab : churn.abSummary()) {
        System.out.println("  " + ab);
      }
      // what the figures above are made of, in words
      int canaryNow = status.variants().get(1).version();
      System.out.printf("The canary's figures count every request it served since the endpoint started: v%d's and, until %s, v%d's."
          + " The A/B test compares that whole with the champion (%s); the rollout policy does not act on it: it judges each window"
          + " of 200 requests of the version the canary serves now, and v%d's windows pass.%n", canaryNow,
          rollbacks.isEmpty() ? "its rollback" : "its rollback above", broken.version(),
          churn.abSummary().get(0).significant(0.05) ? "p < 0.05: the difference is significant" : "p >= 0.05: not significant", canaryNow);
      long shadowServed = status.variants().stream().filter(v -> v.role().equals("SHADOW")).mapToLong(EndpointStatus.VariantStatus::requests)
          .sum();
      System.out.printf("The shadow answered %d requests and dropped %d: shadows and logging run off the request path on at most a"
          + " quarter of one core (the endpoint's backgroundShare, default 0.25), so at full speed the rest is dropped and counted,"
          + " and no caller waits for them.%n", shadowServed, status.shadowDropped());
    }
  }

  /** Sends {@code perThread} requests from each of {@code threads} threads, each answered request followed by its true label. */
  private static int traffic(Endpoint<Label> endpoint, MutableDataset<Label> test, int threads, int perThread, long seed) throws Exception {
    List<Example<Label>> examples = new ArrayList<>();
    test.forEach(examples::add);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<Integer>> fs = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        long s = seed * 100 + t;
        fs.add(pool.submit(() -> {
          Random r = new Random(s);
          int n = 0;
          for (int i = 0; i < perThread; i++) {
            Example<Label> e = examples.get(r.nextInt(examples.size()));
            Map<String, Object> features = new LinkedHashMap<>();
            e.forEach(f -> features.put(f.getName(), f.getValue()));
            Served<Label> answer = endpoint.predict(features);
            endpoint.feedback(answer.requestId(), e.getOutput());
            n++;
          }
          return n;
        }));
      }
      int total = 0;
      for (Future<Integer> f : fs) {
        total += f.get(5, TimeUnit.MINUTES);
      }
      return total;
    } finally {
      pool.shutdown();
    }
  }

  private static MutableDataset<Label> relabel(MutableDataset<Label> data, String from, String to) {
    LabelFactory factory = new LabelFactory();
    MutableDataset<Label> out = new MutableDataset<>(new SimpleDataSourceProvenance("relabelled", factory), factory);
    for (Example<Label> e : data) {
      String label = e.getOutput().getLabel().equals(from) ? to : e.getOutput().getLabel();
      List<String> names = new ArrayList<>();
      List<Double> values = new ArrayList<>();
      e.forEach(f -> {
        names.add(f.getName());
        values.add(f.getValue());
      });
      out.add(new ArrayExample<>(new Label(label), names.toArray(new String[0]), values.stream().mapToDouble(Double::doubleValue).toArray()));
    }
    return out;
  }

}
