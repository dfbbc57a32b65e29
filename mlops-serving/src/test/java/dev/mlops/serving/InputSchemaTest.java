package dev.mlops.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.tribuo.Example;
import org.tribuo.Feature;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.sgd.linear.LogisticRegressionTrainer;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.SimpleDataSourceProvenance;

/** The fast path builds exactly the example Tribuo's own sorting constructor would, without sorting per request. */
class InputSchemaTest {
  @Test
  void aPresortedExampleEqualsTheSortedOneForEveryKeyOrder() {
    String[] names = {"zeta", "alpha", "mid", "b10", "b2", "Alpha"};
    LabelFactory f = new LabelFactory();
    MutableDataset<Label> d = new MutableDataset<>(new SimpleDataSourceProvenance("t", f), f);
    Random r = new Random(1);
    for (int i = 0; i < 50; i++) {
      double[] v = new double[names.length];
      for (int k = 0; k < v.length; k++) {
        v[k] = r.nextGaussian();
      }
      d.add(new ArrayExample<>(new Label(i % 2 == 0 ? "a" : "b"), names, v));
    }
    org.tribuo.Model<Label> model = new LogisticRegressionTrainer().train(d);
    InputSchema schema = InputSchema.of(model);
    for (int trial = 0; trial < 20; trial++) {
      List<String> order = new ArrayList<>(List.of(names));
      java.util.Collections.shuffle(order, r);
      Map<String, Object> request = new LinkedHashMap<>();
      for (String n : order) {
        request.put(n, r.nextGaussian());
      }
      InputSchema.Problems problems = new InputSchema.Problems();
      Example<Label> first = schema.fromMap(request, LabelFactory.UNKNOWN_LABEL, problems);   // validates the order
      Example<Label> fast = schema.fromMap(request, LabelFactory.UNKNOWN_LABEL, problems);    // the fast path
      assertFalse(problems.any());
      assertInstanceOf(PresortedExample.class, fast);
      String[] keys = request.keySet().toArray(new String[0]);
      double[] values = request.values().stream().mapToDouble(o -> (Double) o).toArray();
      ArrayExample<Label> sorted = new ArrayExample<>(LabelFactory.UNKNOWN_LABEL, keys, values);
      assertEquals(features(sorted), features(fast));
      assertEquals(features(sorted), features(first));
      assertEquals(model.predict(sorted).getOutputScores().toString(), model.predict(fast).getOutputScores().toString());
      assertTrue(fast.validateExample());
    }
  }

  @Test
  void anExampleLackingAOneHotGroupIsMissingThatGroupAsAMapWouldBe() {
    LabelFactory f = new LabelFactory();
    MutableDataset<Label> d = new MutableDataset<>(new SimpleDataSourceProvenance("t", f), f);
    Random r = new Random(2);
    for (int i = 0; i < 50; i++) {
      String plan = i % 2 == 0 ? "plan@basic" : "plan@pro";
      d.add(new ArrayExample<>(new Label(i % 3 == 0 ? "a" : "b"), new String[] {plan, "tenure"}, new double[] {1, r.nextGaussian()}));
    }
    InputSchema schema = InputSchema.of(new LogisticRegressionTrainer().train(d));
    InputSchema.Problems lacking = new InputSchema.Problems();
    schema.check(new ArrayExample<>(LabelFactory.UNKNOWN_LABEL, new String[] {"tenure"}, new double[] {1}), LabelFactory.UNKNOWN_LABEL, lacking);
    InputSchema.Problems asMap = new InputSchema.Problems();
    schema.fromMap(Map.of("tenure", 1.0), LabelFactory.UNKNOWN_LABEL, asMap);
    assertEquals(List.of(new InputProblem(InputProblem.Kind.MISSING_FEATURE, "plan", "missing feature 'plan'; expected one of [basic, pro]")),
        lacking.list());
    assertEquals(lacking.list(), asMap.list());
    InputSchema.Problems complete = new InputSchema.Problems();
    schema.check(new ArrayExample<>(LabelFactory.UNKNOWN_LABEL, new String[] {"plan@pro", "tenure"}, new double[] {1, 1}),
        LabelFactory.UNKNOWN_LABEL, complete);
    assertFalse(complete.any(), complete.list().toString());
  }

  private static List<String> features(Example<Label> e) {
    List<String> out = new ArrayList<>();
    for (Feature feature : e) {
      out.add(feature.getName() + "=" + feature.getValue());
    }
    return out;
  }
}
