package dev.mlops.ui;

import dev.mlops.api.NotFoundException;
import dev.mlops.api.StorageBackend;
import dev.mlops.api.retraining.RetrainingStore;
import dev.mlops.retraining.LoopHistory;
import java.util.List;
import java.util.Map;

/**
 * The retraining routes: the loops that used the store, a loop's retrainings and triggers, read through the loop's own
 * {@link LoopHistory} (the UI never reads the loop's stored records or keys itself). {@code mlops-retraining} is an
 * optional dependency of the UI: without it on the class path no loop is listed (an application running a loop has it).
 */
final class RetrainingRoutes {
  private static final boolean READABLE = present("dev.mlops.retraining.LoopHistory");
  private final StorageBackend backend;

  RetrainingRoutes(StorageBackend backend) {
    this.backend = backend;
  }

  private static boolean present(String className) {
    try {
      Class.forName(className, false, RetrainingRoutes.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  List<String> loops(Request r) {
    return READABLE ? Reader.loops(backend) : List.of();
  }

  /**
   * A retraining loop's retrainings and triggers with what the loop decided, oldest first (an unreadable record says why).
   *
   * @throws NotFoundException (404) for a loop that never used the store
   */
  Map<String, Object> loop(Request r) {
    String name = r.required("name");
    if (!READABLE || !backend.offers(RetrainingStore.class)) {
      throw new NotFoundException(READABLE ? "this store keeps no retraining loops"
          : "reading retraining loops needs mlops-retraining on the class path");
    }
    return Reader.loop(backend, name);
  }

  /** The calls into mlops-retraining, in a class of their own so that it loads only when that module is present. */
  private static final class Reader {
    private Reader() {}

    static List<String> loops(StorageBackend backend) {
      return LoopHistory.loops(backend);
    }

    static Map<String, Object> loop(StorageBackend backend, String name) {
      LoopHistory history = LoopHistory.open(backend, name);
      if (!LoopHistory.loops(backend).contains(name)) {
        throw new NotFoundException("no retraining loop '" + name + "' has used this store");
      }
      return Map.of("name", name, "retrainings", history.retrainings().stream().map(Reader::readable).toList(),
          "triggers", history.triggers().stream().map(Reader::readable).toList());
    }

    /** A stored record as the loop reads it, or its key and why it cannot be read. */
    private static Object readable(LoopHistory.Entry<?> e) {
      return e.value().isPresent() ? e.value().get() : Map.of("key", e.key(), "error", e.problem().orElse("unreadable"));
    }
  }
}
