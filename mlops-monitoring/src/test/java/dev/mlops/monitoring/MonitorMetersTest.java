package dev.mlops.monitoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlops.monitoring.profile.Profile;
import dev.mlops.monitoring.profile.TribuoProfiles;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.tribuo.Example;
import org.tribuo.MutableDataset;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.SimpleDataSourceProvenance;
import org.tribuo.regression.RegressionFactory;
import org.tribuo.regression.Regressor;

class MonitorMetersTest {
  @Test
  void metersFollowWindowsAndAlertsAndTribuoDataProfiles() {
    RegressionFactory f = new RegressionFactory();
    MutableDataset<Regressor> data = new MutableDataset<>(new SimpleDataSourceProvenance("d", f), f);
    Random r = new Random(1);
    for (int i = 0; i < 2000; i++) {
      data.add(new ArrayExample<>(new Regressor("y", 1), new String[] {"a", "b"}, new double[] {r.nextGaussian(), 5 + r.nextGaussian()}));
    }
    Profile ref = TribuoProfiles.of(data, List.of("a", "b"), true);
    assertEquals(2000, ref.rows());
    assertEquals(5, ref.column("b").mean(), 0.1);

    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    MonitorMeters meters = MonitorMeters.forMonitor("m", registry);
    Monitor monitor = Monitor.builder("m").reference(ref).windowRows(500).alert(AlertRule.columnDrift("b"))
        .onReport(meters::onReport).onAlert(meters::onAlert).build();
    Profile live = new Profile();
    for (int i = 0; i < 500; i++) {
      Example<Regressor> e = new ArrayExample<>(new Regressor("y", 1), new String[] {"a", "b"}, new double[] {r.nextGaussian(), 7 + r.nextGaussian()});
      TribuoProfiles.update(live, e, List.of("a", "b"), true);
      monitor.log(java.util.Map.of("a", e.lookup("a").getValue(), "b", e.lookup("b").getValue()));
    }
    monitor.flush();
    assertEquals(500, live.rows());
    assertEquals(7, live.column("b").mean(), 0.2);
    assertEquals(500.0, registry.get("mlops.monitor.window.rows").gauge().value());
    assertEquals(0.5, registry.get("mlops.monitor.drift.share").gauge().value());
    assertTrue(registry.get("mlops.monitor.column.drift.score").tag("column", "b").gauge().value() > 1);
    assertEquals(1.0, registry.get("mlops.monitor.alerts").tag("rule", "column_drift:b").tag("kind", "COLUMN_DRIFT").counter().count());
  }

  @Test
  void anUntestedColumnHasNoScoreAndDroppedWindowsAreCounted() {
    Random r = new Random(2);
    double[] a = new double[1000];
    double[] b = new double[1000];
    for (int i = 0; i < a.length; i++) {
      a[i] = r.nextGaussian();
      b[i] = r.nextGaussian();
    }
    Profile ref = Profile.of(dev.mlops.monitoring.data.Table.of(List.of(dev.mlops.monitoring.data.Column.numerical("a", a),
        dev.mlops.monitoring.data.Column.numerical("b", b))));
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    MonitorMeters meters = MonitorMeters.forMonitor("m", registry);
    List<Runnable> held = new java.util.ArrayList<>();
    Monitor monitor = Monitor.builder("m").reference(ref).windowRows(100).maxPendingWindows(1).executor(held::add)
        .onReport(meters::onReport).build();
    for (int i = 0; i < 200; i++) {
      monitor.log(java.util.Map.of("a", r.nextGaussian(), "b", r.nextGaussian()));
    }
    for (int i = 0; i < 100; i++) {
      monitor.log(java.util.Map.of("a", r.nextGaussian()));
    }
    held.get(0).run();
    assertEquals(1.0, registry.get("mlops.monitor.columns.untested").gauge().value());
    assertTrue(Double.isNaN(registry.get("mlops.monitor.column.drift.score").tag("column", "b").gauge().value()),
        "b's gauge does not keep a score of a window that did not test it");
    assertEquals(2.0, registry.get("mlops.monitor.windows.dropped").counter().count());
    assertEquals(200.0, registry.get("mlops.monitor.rows.dropped").counter().count());
  }
}
