package dev.mlops.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlops.registry.ModelRegistry;
import dev.mlops.registry.Registration;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.tribuo.MutableDataset;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.SimpleDataSourceProvenance;
import org.tribuo.regression.RegressionFactory;
import org.tribuo.regression.Regressor;
import org.tribuo.regression.sgd.linear.LinearSGDTrainer;
import org.tribuo.regression.sgd.objectives.SquaredLoss;
import org.tribuo.math.optimisers.AdaGrad;

/** A regression endpoint: typed outputs, async answers, and a closed endpoint that refuses. */
class RegressionEndpointTest {
  @Test
  void aRegressorEndpointAnswersWithValuesSyncAndAsync() throws Exception {
    RegressionFactory f = new RegressionFactory();
    MutableDataset<Regressor> d = new MutableDataset<>(new SimpleDataSourceProvenance("lin", f), f);
    Random r = new Random(1);
    for (int i = 0; i < 500; i++) {
      double x = r.nextGaussian();
      d.add(new ArrayExample<>(new Regressor("y", 3 * x + 1), new String[] {"x"}, new double[] {x}));
    }
    try (ModelRegistry registry = ModelRegistry.builder().storage("mem:regression-" + System.nanoTime()).build();
        ModelServer server = ModelServer.builder().registry(registry).build()) {
      registry.register(Registration.of("lin").fromModel(new LinearSGDTrainer(new SquaredLoss(), new AdaGrad(0.5), 20, 1L).train(d)));
      registry.setAlias("lin", "live", 1);
      Endpoint<Regressor> e = server.endpoint("lin", Regressor.class).serve("models:/lin@live").build();
      Served<Regressor> s = e.predict(Map.of("x", 2.0));
      assertEquals(7.0, s.output().getValues()[0], 0.5, s.toString());
      assertTrue(Double.isNaN(s.score()));
      assertEquals(1, s.version());
      Served<Regressor> a = e.predictAsync(Map.of("x", 0.0)).get(10, TimeUnit.SECONDS);
      assertEquals(1.0, a.output().getValues()[0], 0.5);
      assertThrows(dev.mlops.api.InvalidArgumentException.class, () -> server.endpoint("lin", Regressor.class));
      e.close();
      assertThrows(EndpointUnavailableException.class, () -> e.predict(Map.of("x", 1.0)));
      assertEquals(EndpointStatus.State.FAILED, e.describe().state());
    }
  }
}
