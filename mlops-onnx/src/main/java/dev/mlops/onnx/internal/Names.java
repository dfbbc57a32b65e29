package dev.mlops.onnx.internal;

import dev.mlops.api.InvalidArgumentException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** Feature and class names: read from metadata, checked for blanks and duplicates. */
public final class Names {
  private Names() {}

  /** A comma-separated list from metadata_props ({@code feature_names}, {@code class_labels}); empty when absent. */
  static List<String> list(@Nullable String commaSeparated) {
    List<String> out = new ArrayList<>();
    if (commaSeparated == null || commaSeparated.isBlank()) {
      return out;
    }
    for (String s : commaSeparated.split(",", -1)) {
      out.add(s.strip());
    }
    return out;
  }

  /**
   * The names a registration gave, or else those the graph's metadata_props key holds; both given
   * and differing is refused, since a different order would feed or name columns wrongly.
   *
   * @param field "features" or "classes"
   * @param key the metadata_props key ({@code feature_names}, {@code class_labels})
   */
  static List<String> givenOrMetadata(String field, List<String> given, OnnxHeader header, String key) {
    List<String> fromMetadata = list(header.metadata().get(key));
    if (!given.isEmpty() && !fromMetadata.isEmpty() && !given.equals(fromMetadata)) {
      throw InvalidArgumentException.of(field, given, "differ from the graph's metadata_props " + key + " " + fromMetadata
          + "; in another order they would feed or name the wrong columns");
    }
    List<String> named = given.isEmpty() ? fromMetadata : given;
    checkDistinct(field, named);
    return named;
  }

  /** Refuses a missing list, and blank or repeated names. */
  public static void checkDistinct(String field, @Nullable List<String> names) {
    if (names == null) {
      throw InvalidArgumentException.of(field, null, "must be a list of names");
    }
    Set<String> seen = new HashSet<>();
    for (String n : names) {
      if (n == null || n.isBlank()) {
        throw InvalidArgumentException.of(field, names, "a name is blank");
      }
      if (!seen.add(n)) {
        throw InvalidArgumentException.of(field, names, "'" + n + "' appears twice");
      }
    }
  }
}
