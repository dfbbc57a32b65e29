package dev.mlops.api.search;

import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What a filter or an ordering refers to: a metric, param or tag by name, a run attribute, or a field
 * of the run's datasets.
 *
 * @param kind which family
 * @param name the metric/param/tag key, the canonical attribute name, or the dataset field
 */
public record Key(Kind kind, String name) {
  /** Key families. */
  public enum Kind {
    /** {@code metrics.KEY}: a metric's latest value. */
    METRIC,
    /** {@code params.KEY}. */
    PARAM,
    /** {@code tags.KEY}. */
    TAG,
    /** {@code attributes.NAME}: a run attribute such as {@code start_time} or {@code status}. */
    ATTRIBUTE,
    /** {@code datasets.FIELD}: a field of a run's dataset inputs. */
    DATASET
  }

  /** Numeric run attributes (epoch milliseconds). */
  public static final Set<String> NUMERIC_ATTRIBUTES = Set.of("start_time", "end_time");
  /** String run attributes. */
  public static final Set<String> STRING_ATTRIBUTES =
      Set.of("run_id", "run_name", "status", "user", "artifact_uri", "experiment_id", "parent_run_id");
  /** Numeric attributes of registered models. */
  public static final Set<String> MODEL_NUMERIC_ATTRIBUTES = Set.of("creation_time", "last_updated_time");
  /** String attributes of registered models. */
  public static final Set<String> MODEL_STRING_ATTRIBUTES = Set.of("name", "description");
  /** Numeric attributes of MLflow 3's logged models (epoch milliseconds). */
  public static final Set<String> LOGGED_MODEL_NUMERIC_ATTRIBUTES = Set.of("creation_timestamp", "last_updated_timestamp");
  /** String attributes of MLflow 3's logged models. */
  public static final Set<String> LOGGED_MODEL_STRING_ATTRIBUTES = Set.of("name", "model_id", "model_type", "status", "source_run_id");
  /** Dataset fields. */
  public static final Set<String> DATASET_FIELDS = Set.of("name", "digest", "context");

  private static final Map<String, String> ATTRIBUTE_ALIASES = Map.of(
      "created", "start_time", "run name", "run_name", "user_id", "user", "id", "run_id", "runname", "run_name");
  private static final Map<String, String> LOGGED_MODEL_ALIASES = Map.of(
      "creation_time", "creation_timestamp", "last_updated_time", "last_updated_timestamp");

  /** Whether the key's values are numbers (metrics, start_time, end_time). */
  public boolean numeric() {
    return kind == Kind.METRIC
        || (kind == Kind.ATTRIBUTE && (NUMERIC_ATTRIBUTES.contains(name) || MODEL_NUMERIC_ATTRIBUTES.contains(name)
            || LOGGED_MODEL_NUMERIC_ATTRIBUTES.contains(name)));
  }

  /** A metric key. */
  public static Key metric(String name) {
    return new Key(Kind.METRIC, name);
  }

  /** A param key. */
  public static Key param(String name) {
    return new Key(Kind.PARAM, name);
  }

  /** A tag key. */
  public static Key tag(String name) {
    return new Key(Kind.TAG, name);
  }

  /** A run attribute; returns null if the name is not a known attribute. */
  static Key attributeOrNull(String name, FilterParser.Vocabulary vocabulary) {
    String n = name.toLowerCase(Locale.ROOT);
    if (vocabulary == FilterParser.Vocabulary.MODELS) {
      return MODEL_NUMERIC_ATTRIBUTES.contains(n) || MODEL_STRING_ATTRIBUTES.contains(n) ? new Key(Kind.ATTRIBUTE, n) : null;
    }
    if (vocabulary == FilterParser.Vocabulary.LOGGED_MODELS) {
      n = LOGGED_MODEL_ALIASES.getOrDefault(n, n);
      return LOGGED_MODEL_NUMERIC_ATTRIBUTES.contains(n) || LOGGED_MODEL_STRING_ATTRIBUTES.contains(n) ? new Key(Kind.ATTRIBUTE, n) : null;
    }
    n = ATTRIBUTE_ALIASES.getOrDefault(n, n);
    if (NUMERIC_ATTRIBUTES.contains(n) || STRING_ATTRIBUTES.contains(n)) {
      return new Key(Kind.ATTRIBUTE, n);
    }
    return null;
  }

  /** The attribute names a vocabulary accepts, for error messages. */
  static String attributeNames(FilterParser.Vocabulary vocabulary) {
    return switch (vocabulary) {
      case RUNS -> "a known run attribute " + STRING_ATTRIBUTES + " or " + NUMERIC_ATTRIBUTES;
      case MODELS -> "a known model attribute " + MODEL_STRING_ATTRIBUTES + " or " + MODEL_NUMERIC_ATTRIBUTES;
      case LOGGED_MODELS -> "a known logged model attribute " + new java.util.TreeSet<>(LOGGED_MODEL_STRING_ATTRIBUTES)
          + " or " + new java.util.TreeSet<>(LOGGED_MODEL_NUMERIC_ATTRIBUTES);
    };
  }

  /** Maps a prefix ({@code metrics}, {@code params}, ...) to a kind, or null. */
  static Kind kindOfPrefix(String prefix) {
    return switch (prefix.toLowerCase(Locale.ROOT)) {
      case "metric", "metrics" -> Kind.METRIC;
      case "param", "params", "parameter", "parameters" -> Kind.PARAM;
      case "tag", "tags" -> Kind.TAG;
      case "attribute", "attributes", "attr", "run" -> Kind.ATTRIBUTE;
      case "dataset", "datasets" -> Kind.DATASET;
      default -> null;
    };
  }

  @Override
  public String toString() {
    return switch (kind) {
      case METRIC -> "metrics.`" + name + "`";
      case PARAM -> "params.`" + name + "`";
      case TAG -> "tags.`" + name + "`";
      case ATTRIBUTE -> "attributes." + name;
      case DATASET -> "datasets." + name;
    };
  }
}
