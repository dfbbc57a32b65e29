package dev.mlops.mlflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mlops.api.search.Accessor;
import dev.mlops.api.search.Evaluator;
import dev.mlops.api.search.Expr;
import dev.mlops.api.search.FilterParser;
import dev.mlops.api.search.Key;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * MLflow 3's logged-model search ({@code SearchLoggedModels}: {@code filter}, {@code datasets},
 * {@code order_by}), with the semantics of MLflow's {@code SearchLoggedModelsUtils}.
 *
 * <p>The filter is the library's filter language ({@link FilterParser}, vocabulary
 * {@link FilterParser.Vocabulary#LOGGED_MODELS}), the one run search uses: MLflow's AND-ed
 * comparisons on {@code metrics.*} (numbers: {@code = != < <= > >=}), {@code params.*} and
 * {@code tags.*} (strings: {@code = != LIKE ILIKE}) and the attributes {@code name},
 * {@code model_id}, {@code model_type}, {@code status} ({@code PENDING}, {@code READY},
 * {@code FAILED}, as MLflow's entity names them), {@code source_run_id} (strings, also
 * {@code IN}) and {@code creation_timestamp}, {@code last_updated_timestamp} (numbers), plus the
 * library's OR, parentheses, NOT, IN and IS NULL. A comparison on a metric holds when a metric of
 * that key linked to the model (restricted to the request's {@code datasets}, if any) satisfies it;
 * with datasets and no metric comparison, a model must have some metric on one of the datasets.
 *
 * <p>Ordering: the given fields (an attribute, or {@code metrics.<key>}, optionally restricted to
 * a dataset, its latest value by timestamp), then {@code creation_timestamp} descending and
 * {@code model_id} ascending unless given; a missing value sorts last in either direction.
 */
final class LoggedModelSearch {
  /** Attributes {@code order_by} accepts (MLflow's {@code VALID_ORDER_BY_ATTRIBUTE_KEYS}). */
  static final Set<String> ORDER_ATTRIBUTES = new TreeSet<>(Set.of("name", "model_id", "model_type", "status", "source_run_id",
      "creation_timestamp", "creation_time", "last_updated_timestamp", "last_updated_time"));
  private static final Map<String, String> ORDER_ALIASES = Map.of("creation_time", "creation_timestamp",
      "last_updated_time", "last_updated_timestamp");

  private LoggedModelSearch() {}

  /**
   * A dataset a search is restricted to: a metric is on it when its dataset name is {@code name}
   * and, if a digest is given, its digest is {@code digest}.
   */
  record Dataset(String name, String digest) {
    boolean holds(JsonNode metric) {
      return name.equals(metric.path("dataset_name").asText("")) && (digest.isEmpty() || digest.equals(metric.path("dataset_digest").asText("")));
    }
  }

  /** The models of {@code candidates} that the request's filter and datasets select, in its order. */
  static List<ObjectNode> select(List<ObjectNode> candidates, Message m) {
    String filter = m.string("filter");
    Expr expr = FilterParser.parse(filter, FilterParser.Vocabulary.LOGGED_MODELS);
    List<Dataset> datasets = new ArrayList<>();
    for (Message d : m.messages("datasets")) {
      datasets.add(new Dataset(d.required("dataset_name"), d.stringOrEmpty("dataset_digest")));
    }
    Comparator<ObjectNode> order = order(m.messages("order_by"));
    boolean anyOnDatasets = !datasets.isEmpty() && !mentionsMetric(expr);
    List<ObjectNode> found = new ArrayList<>();
    for (ObjectNode d : candidates) {
      if (anyOnDatasets && metrics(d, null, datasets).isEmpty()) {
        continue;
      }
      if (Evaluator.test(expr, accessor(d, datasets))) {
        found.add(d);
      }
    }
    found.sort(order);
    return found;
  }

  private static boolean mentionsMetric(Expr e) {
    if (e instanceof Expr.And a) {
      return a.parts().stream().anyMatch(LoggedModelSearch::mentionsMetric);
    }
    if (e instanceof Expr.Or o) {
      return o.parts().stream().anyMatch(LoggedModelSearch::mentionsMetric);
    }
    if (e instanceof Expr.Not n) {
      return mentionsMetric(n.inner());
    }
    Key key = e instanceof Expr.Compare c ? c.key() : e instanceof Expr.In in ? in.key() : e instanceof Expr.IsNull n ? n.key() : null;
    return key != null && key.kind() == Key.Kind.METRIC;
  }

  /** The metrics linked to a model with key {@code key} (any key for null), on one of {@code datasets} if any are given. */
  private static List<JsonNode> metrics(ObjectNode doc, @Nullable String key, List<Dataset> datasets) {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode metric : doc.path("metrics")) {
      if ((key == null || key.equals(metric.path("key").asText())) && (datasets.isEmpty() || datasets.stream().anyMatch(d -> d.holds(metric)))) {
        out.add(metric);
      }
    }
    return out;
  }

  private static Accessor accessor(ObjectNode doc, List<Dataset> datasets) {
    return key -> switch (key.kind()) {
      case METRIC -> {
        List<Object> values = new ArrayList<>();
        metrics(doc, key.name(), datasets).forEach(metric -> values.add(LoggedModels.metricValue(metric)));
        yield values;
      }
      case PARAM -> Evaluator.one(text(doc.path("params").get(key.name())));
      case TAG -> Evaluator.one(text(doc.path("tags").get(key.name())));
      case ATTRIBUTE -> Evaluator.one(attribute(doc, key.name()));
      case DATASET -> List.of();
    };
  }

  /** An attribute as MLflow's {@code LoggedModel} entity holds it: times as numbers, the status by its entity name. */
  private static @Nullable Object attribute(ObjectNode doc, String name) {
    return switch (name) {
      case "creation_timestamp" -> (double) doc.path("creation_timestamp_ms").asLong();
      case "last_updated_timestamp" -> (double) doc.path("last_updated_timestamp_ms").asLong();
      case "status" -> switch (doc.path("status").asText()) {
        case "LOGGED_MODEL_PENDING" -> "PENDING";
        case "LOGGED_MODEL_READY" -> "READY";
        case "LOGGED_MODEL_UPLOAD_FAILED" -> "FAILED";
        default -> "UNSPECIFIED";
      };
      default -> text(doc.get(name));
    };
  }

  private static @Nullable String text(@Nullable JsonNode n) {
    return n == null || n.isNull() || n.asText().isEmpty() ? null : n.asText();
  }

  // ---------------------------------------------------------------- order

  /** MLflow's {@code parse_order_by_for_logged_models} and sort key, ties broken as MLflow breaks them. */
  static Comparator<ObjectNode> order(List<Message> orderBy) {
    List<String> fields = new ArrayList<>();
    Comparator<ObjectNode> c = (a, b) -> 0;
    for (Message o : orderBy) {
      String field = o.string("field_name");
      if (field == null) {
        throw MlflowError.invalid("`field_name` in the `order_by` clause must be specified.");
      }
      boolean ascending = ascending(o, field);
      String datasetName = o.stringOrEmpty("dataset_name");
      String datasetDigest = o.stringOrEmpty("dataset_digest");
      if (!datasetDigest.isEmpty() && datasetName.isEmpty()) {
        throw MlflowError.invalid("order_by.dataset_digest", datasetDigest, "can only be specified if `dataset_name` is also specified");
      }
      Function<ObjectNode, @Nullable Comparable<?>> value;
      if (field.contains(".")) {
        String entity = field.substring(0, field.indexOf('.'));
        if (!entity.equals("metrics")) {
          throw MlflowError.invalid("Invalid order by field name: " + entity + ", only `metrics.<name>` is allowed.");
        }
        String metric = field.substring(field.indexOf('.') + 1);
        List<Dataset> on = datasetName.isEmpty() ? List.of() : List.of(new Dataset(datasetName, datasetDigest));
        value = d -> metrics(d, metric, on).stream().max(Comparator.comparingLong(x -> x.path("timestamp").asLong()))
            .map(LoggedModels::metricValue).orElse(null);
      } else {
        String name = field.strip();
        if (!ORDER_ATTRIBUTES.contains(name)) {
          throw MlflowError.invalid("order_by.field_name", field, "must be one of " + ORDER_ATTRIBUTES + " or metrics.<name>");
        }
        String canonical = ORDER_ALIASES.getOrDefault(name, name);
        field = canonical;
        value = d -> (Comparable<?>) attribute(d, canonical);
      }
      fields.add(field);
      c = c.thenComparing(missingLast(value, ascending));
    }
    if (!fields.contains("creation_timestamp")) {
      c = c.thenComparing(missingLast(d -> (Comparable<?>) attribute(d, "creation_timestamp"), false));
    }
    if (!fields.contains("model_id")) {
      c = c.thenComparing(missingLast(d -> (Comparable<?>) attribute(d, "model_id"), true));
    }
    return c;
  }

  private static boolean ascending(Message o, String field) {
    String asc = o.string("ascending");
    if (asc == null || asc.equals("true")) {
      return true;
    }
    if (asc.equals("false")) {
      return false;
    }
    throw MlflowError.invalid("order_by.ascending", asc, "must be a boolean (field " + field + ")");
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Comparator<ObjectNode> missingLast(Function<ObjectNode, @Nullable Comparable<?>> value, boolean ascending) {
    return (a, b) -> {
      Comparable x = value.apply(a);
      Comparable y = value.apply(b);
      if (x == null || y == null) {
        return x == null ? (y == null ? 0 : 1) : -1;
      }
      int cmp = x.compareTo(y);
      return ascending ? cmp : -cmp;
    };
  }
}
