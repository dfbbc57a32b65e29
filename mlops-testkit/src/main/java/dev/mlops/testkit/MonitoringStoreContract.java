package dev.mlops.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlops.api.monitoring.MonitoringStore;
import dev.mlops.api.monitoring.MonitoringStore.StoredRecord;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The contract every {@link MonitoringStore} must meet; extend it and return a fresh store. */
public abstract class MonitoringStoreContract extends StoreContract<MonitoringStore> {
  /** For subclasses: one per backend under test. */
  protected MonitoringStoreContract() {}

  @Test
  @DisplayName("profiles are stored and replaced per monitor and key")
  void profiles() {
    assertTrue(store.profile("m", "reference").isEmpty());
    store.putProfile("m", "reference", new byte[] {1, 2, 3});
    store.putProfile("m", "reference", new byte[] {4, 5});
    store.putProfile("other", "reference", new byte[] {9});
    assertArrayEquals(new byte[] {4, 5}, store.profile("m", "reference").orElseThrow());
    assertArrayEquals(new byte[] {9}, store.profile("other", "reference").orElseThrow());
  }

  @Test
  @DisplayName("reports and alerts come back per monitor, in window and time order, from a position")
  void reportsAndAlerts() {
    for (int w = 0; w < 5; w++) {
      store.addReport(new StoredRecord("m", w, 1000 + w, "{\"w\":" + w + "}"));
      store.addAlert(new StoredRecord("m", w, 2000 + w, "{\"a\":" + w + "}"));
      store.addReport(new StoredRecord("other", w, 1, "{}"));
    }
    List<StoredRecord> r = store.reports("m", 2, 10);
    assertEquals(List.of(2L, 3L, 4L), r.stream().map(StoredRecord::window).toList());
    assertEquals("{\"w\":3}", r.get(1).json());
    assertEquals(2, store.reports("m", 0, 2).size());
    assertEquals(List.of(2003L, 2004L), store.alerts("m", 2003, 10).stream().map(StoredRecord::time).toList());
  }

  @Test
  @DisplayName("many threads appending lose nothing")
  void concurrentAppends() throws Exception {
    Concurrently.run(6, thread -> {
      for (int i = 0; i < 50; i++) {
        store.addAlert(new StoredRecord("m", thread, thread * 1000L + i, "{}"));
      }
    });
    assertEquals(300, store.alerts("m", 0, 1000).size());
  }

  @Test
  @DisplayName("alerts added out of time order come back oldest first")
  void alertsSortedByTime() {
    store.addAlert(new StoredRecord("m", 2, 3000, "{\"a\":3}"));
    store.addAlert(new StoredRecord("m", 0, 1000, "{\"a\":1}"));
    store.addAlert(new StoredRecord("m", 1, 2000, "{\"a\":2}"));
    assertEquals(List.of(1000L, 2000L, 3000L), store.alerts("m", 0, 10).stream().map(StoredRecord::time).toList());
  }

  @Test
  @DisplayName("the last stored window of a monitor is found without reading its reports")
  void lastWindow() {
    assertEquals(-1, store.lastWindow("m"));
    store.addReport(new StoredRecord("m", 3, 1, "{}"));
    store.addReport(new StoredRecord("m", 7, 2, "{}"));
    store.addReport(new StoredRecord("other", 9, 3, "{}"));
    assertEquals(7, store.lastWindow("m"));
  }

  @Test
  @DisplayName("profile keys are listed by prefix, sorted")
  void profileKeys() {
    store.putProfile("m", "window-2", new byte[] {1});
    store.putProfile("m", "window-1", new byte[] {1});
    store.putProfile("m", "reference", new byte[] {1});
    store.putProfile("other", "window-3", new byte[] {1});
    assertEquals(List.of("window-1", "window-2"), store.profileKeys("m", "window-"));
    assertEquals(List.of("reference", "window-1", "window-2"), store.profileKeys("m", ""));
    assertTrue(store.profileKeys("m", "x").isEmpty());
  }

  @Test
  @DisplayName("lists the monitors with anything stored, sorted")
  void monitors() {
    assertTrue(store.monitors().isEmpty());
    store.putProfile("payments", "reference", new byte[] {1});
    store.addReport(new StoredRecord("churn", 0, 1, "{}"));
    store.addAlert(new StoredRecord("zeta", 0, 1, "{}"));
    store.addReport(new StoredRecord("churn", 1, 2, "{}"));
    assertEquals(List.of("churn", "payments", "zeta"), store.monitors());
  }
  @Test
  @DisplayName("profiles are deleted by exact key, per monitor; keys that are not stored are ignored")
  void deleteProfiles() {
    for (String key : List.of("window-1", "window-10", "window-1-segment-a", "window-1-segment-%", "window-1-segment-_b")) {
      store.putProfile("m", key, new byte[] {1});
    }
    store.putProfile("other", "window-1", new byte[] {2});
    store.deleteProfiles("m", List.of("window-1", "window-1-segment-%", "window-1-segment-_b", "never-stored"));
    assertEquals(List.of("window-1-segment-a", "window-10"), store.profileKeys("m", ""), "only the exact keys go, no pattern matching");
    assertArrayEquals(new byte[] {2}, store.profile("other", "window-1").orElseThrow(), "another monitor's profile stays");
    store.deleteProfiles("m", List.of());
    assertEquals(2, store.profileKeys("m", "").size());
  }

  @Test
  @DisplayName("a report's JSON is replaced in place: its window, time and order stay; another window or monitor is untouched")
  void replaceReport() {
    for (int w = 0; w < 3; w++) {
      store.addReport(new StoredRecord("m", w, 1000 + w, "{\"full\":" + w + "}"));
    }
    store.addReport(new StoredRecord("other", 1, 5, "{\"other\":1}"));
    assertTrue(store.replaceReport("m", 1, "{\"summary\":true}"));
    assertEquals(List.of(new StoredRecord("m", 0, 1000, "{\"full\":0}"), new StoredRecord("m", 1, 1001, "{\"summary\":true}"),
        new StoredRecord("m", 2, 1002, "{\"full\":2}")), store.reports("m", 0, 10));
    assertEquals("{\"other\":1}", store.reports("other", 0, 10).get(0).json());
    assertEquals(false, store.replaceReport("m", 7, "{}"), "no report of that window");
    assertEquals(2, store.lastWindow("m"));
  }

  @Test
  @DisplayName("history is deleted below a window or before a time, reports and alerts alike, for one monitor only")
  void deleteHistory() {
    for (int w = 0; w < 6; w++) {
      store.addReport(new StoredRecord("m", w, 1000L * w, "{}"));
      store.addAlert(new StoredRecord("m", w, 1000L * w + 1, "{}"));
      store.addReport(new StoredRecord("other", w, 1000L * w, "{}"));
    }
    assertEquals(4, store.deleteHistory("m", 2, Long.MIN_VALUE), "windows 0 and 1: two reports, two alerts");
    assertEquals(List.of(2L, 3L, 4L, 5L), store.reports("m", Long.MIN_VALUE, 10).stream().map(StoredRecord::window).toList());
    assertEquals(List.of(2L, 3L, 4L, 5L), store.alerts("m", Long.MIN_VALUE, 10).stream().map(StoredRecord::window).toList());
    // window 3's report is at time 3000 and its alert at 3001: a bound of 3001 takes the report, not the alert
    assertEquals(3, store.deleteHistory("m", Long.MIN_VALUE, 3001));
    assertEquals(List.of(4L, 5L), store.reports("m", Long.MIN_VALUE, 10).stream().map(StoredRecord::window).toList());
    assertEquals(List.of(3L, 4L, 5L), store.alerts("m", Long.MIN_VALUE, 10).stream().map(StoredRecord::window).toList());
    assertEquals(0, store.deleteHistory("m", Long.MIN_VALUE, Long.MIN_VALUE));
    assertEquals(6, store.reports("other", Long.MIN_VALUE, 10).size(), "another monitor keeps its history");
    assertEquals(5, store.lastWindow("m"));
  }
}
