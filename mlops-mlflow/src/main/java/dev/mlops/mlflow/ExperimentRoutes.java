package dev.mlops.mlflow;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mlops.api.search.Evaluator;
import dev.mlops.api.search.Expr;
import dev.mlops.api.search.FilterParser;
import dev.mlops.api.tracking.Experiment;
import dev.mlops.api.tracking.ViewType;
import dev.mlops.tracking.Tracker;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * MLflow's experiment routes over a {@link Tracker}: create, get, get-by-name, search (MLflow's
 * filter on {@code name}, {@code creation_time}, {@code last_update_time} and {@code tags.*}),
 * update (rename), delete, restore and set-experiment-tag.
 */
final class ExperimentRoutes {
  static final int MAX_RESULTS = 50_000;
  private final Tracker tracker;

  ExperimentRoutes(Tracker tracker) {
    this.tracker = tracker;
  }

  ObjectNode create(Message m) {
    Map<String, String> tags = RunRoutes.tags(m.messages("tags"), "tags");
    Experiment e = tracker.createExperiment(m.required("name"), tags);
    return Wire.object().put("experiment_id", e.id());
  }

  ObjectNode get(Message m) {
    String id = m.required("experiment_id");
    Experiment e = tracker.getExperiment(id).orElseThrow(() -> MlflowError.notFound("No Experiment with id=" + id + " exists"));
    ObjectNode out = Wire.object();
    out.set("experiment", Wire.experiment(e));
    return out;
  }

  ObjectNode getByName(Message m) {
    String name = m.required("experiment_name");
    Experiment e = tracker.getExperimentByName(name)
        .orElseThrow(() -> MlflowError.notFound("Could not find experiment with name '" + name + "'"));
    ObjectNode out = Wire.object();
    out.set("experiment", Wire.experiment(e));
    return out;
  }

  ObjectNode update(Message m) {
    String id = existing(m.required("experiment_id"));
    String name = m.string("new_name");
    if (name != null && !name.isEmpty()) {
      tracker.renameExperiment(id, name);
    }
    return Wire.object();
  }

  ObjectNode delete(Message m) {
    tracker.deleteExperiment(existing(m.required("experiment_id")));
    return Wire.object();
  }

  ObjectNode restore(Message m) {
    tracker.restoreExperiment(existing(m.required("experiment_id")));
    return Wire.object();
  }

  ObjectNode setTag(Message m) {
    String value = m.string("value");
    tracker.setExperimentTag(existing(m.required("experiment_id")), m.required("key"), value == null ? "" : value);
    return Wire.object();
  }

  private String existing(String id) {
    if (tracker.getExperiment(id).isEmpty()) {
      throw MlflowError.notFound("No Experiment with id=" + id + " exists");
    }
    return id;
  }

  ObjectNode search(Message m) {
    int max = m.int32("max_results", 1000, 1, MAX_RESULTS);
    ViewType view = RunRoutes.view(m.string("view_type"), "view_type");
    String filter = m.string("filter");
    Expr expr = FilterParser.parse(filter == null ? "" : filter.replaceAll("\\blast_update_time\\b", "last_updated_time"),
        FilterParser.Vocabulary.MODELS);
    List<Experiment> all = new ArrayList<>();
    for (Experiment e : tracker.listExperiments(view)) {
      if (Evaluator.test(expr, key -> switch (key.kind()) {
        case TAG -> Evaluator.one(e.tags().get(key.name()));
        case ATTRIBUTE -> switch (key.name()) {
          case "name" -> List.of(e.name());
          case "creation_time" -> List.of((double) e.creationTime());
          case "last_updated_time" -> List.of((double) e.lastUpdateTime());
          default -> List.of();
        };
        default -> List.of();
      })) {
        all.add(e);
      }
    }
    all.sort(order(m.strings("order_by")));
    return OffsetPages.page(all, "experiments", Wire::experiment, m, max);
  }

  /** MLflow's experiment ordering: the given keys, then creation time descending, then id ascending. */
  private static Comparator<Experiment> order(List<String> clauses) {
    Map<String, Comparator<Experiment>> keys = new LinkedHashMap<>();
    keys.put("name", Comparator.comparing(Experiment::name));
    keys.put("experiment_id", Comparator.comparing(Experiment::id));
    keys.put("creation_time", Comparator.comparingLong(Experiment::creationTime));
    keys.put("last_update_time", Comparator.comparingLong(Experiment::lastUpdateTime));
    Comparator<Experiment> c = (a, b) -> 0;
    for (String clause : clauses) {
      String[] parts = clause.strip().split("\\s+");
      String key = parts[0].toLowerCase(Locale.ROOT).replaceFirst("^attributes?\\.", "");
      Comparator<Experiment> k = keys.get(key);
      if (k == null || parts.length > 2) {
        throw MlflowError.invalid("order_by", clause, "must be one of " + keys.keySet() + ", optionally followed by ASC or DESC");
      }
      String dir = parts.length == 2 ? parts[1].toUpperCase(Locale.ROOT) : "ASC";
      if (!dir.equals("ASC") && !dir.equals("DESC")) {
        throw MlflowError.invalid("order_by", clause, "has '" + parts[1] + "' after the key; expected ASC or DESC");
      }
      c = c.thenComparing(dir.equals("ASC") ? k : k.reversed());
    }
    return c.thenComparing(Comparator.comparingLong(Experiment::creationTime).reversed()).thenComparing(Experiment::id);
  }
}
