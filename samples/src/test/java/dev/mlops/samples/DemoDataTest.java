package dev.mlops.samples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.tribuo.Example;
import org.tribuo.Feature;
import org.tribuo.classification.Label;

/** The demo's generated customers are ones a customer base can have: no negative tenure, spend or support calls. */
class DemoDataTest {
  @Test
  void noNegativeTenureSpendOrCalls() {
    int rows = 0;
    for (Example<Label> e : TrackingDemo.generate("customers", 5000, 7)) {
      for (Feature f : e) {
        if (!f.getName().equals("trend")) {
          assertTrue(f.getValue() >= 0, f.getName() + " = " + f.getValue() + " in " + e);
        }
      }
      rows++;
    }
    assertTrue(rows == 5000, "rows: " + rows);
  }
}
