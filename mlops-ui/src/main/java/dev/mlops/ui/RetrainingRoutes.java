package dev.mlops.ui;

import dev.mlops.api.NotFoundException;
import dev.mlops.api.StorageBackend;
import dev.mlops.api.retraining.RetrainingStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The retraining routes: the loops that used the store, a loop's retrainings and triggers as it stored them. */
final class RetrainingRoutes {
  private final StorageBackend backend;

  RetrainingRoutes(StorageBackend backend) {
    this.backend = backend;
  }

  List<String> loops(Request r) {
    return backend.offers(RetrainingStore.class) ? backend.store(RetrainingStore.class).loops() : List.of();
  }

  /** A retraining loop's history and triggers, as the loop stored them. */
  Map<String, Object> loop(Request r) {
    String name = r.required("name");
    if (!backend.offers(RetrainingStore.class)) {
      throw new NotFoundException("this store keeps no retraining loops");
    }
    RetrainingStore store = backend.store(RetrainingStore.class);
    List<Object> retrainings = new ArrayList<>();
    for (RetrainingStore.StoredRetraining t : store.retrainings(name, 0, 10_000)) {
      retrainings.add(Responses.tree(t.json()));
    }
    List<Object> triggers = new ArrayList<>();
    for (RetrainingStore.StoredTrigger t : store.triggers(name, false, 0, 10_000)) {
      if (!t.key().startsWith("resume:")) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("entry", Responses.tree(t.json()));
        e.put("taken", t.retraining());
        triggers.add(e);
      }
    }
    return Map.of("name", name, "retrainings", retrainings, "triggers", triggers);
  }
}
