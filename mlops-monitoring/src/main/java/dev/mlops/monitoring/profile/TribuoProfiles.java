package dev.mlops.monitoring.profile;

import dev.mlops.api.internal.Validation;
import org.tribuo.Example;
import org.tribuo.Feature;
import org.tribuo.Output;

/**
 * Profiles of Tribuo data: each feature becomes a numerical column. Tribuo examples are sparse, so
 * a feature absent from an example is recorded as a missing value only when {@code denseZeros} is
 * false; with {@code denseZeros} it counts as 0, as Tribuo's models read it.
 */
public final class TribuoProfiles {
  private TribuoProfiles() {}

  /** Profiles every example of a Tribuo data set (a {@code Dataset} or any iterable of examples). */
  public static <T extends Output<T>> Profile of(Iterable<Example<T>> examples, Iterable<String> featureNames, boolean denseZeros) {
    Profile p = new Profile();
    for (Example<T> e : examples) {
      update(p, e, featureNames, denseZeros);
    }
    return p;
  }

  /** Adds one example's features as a row. */
  public static <T extends Output<T>> void update(Profile profile, Example<T> example, Iterable<String> featureNames, boolean denseZeros) {
    Validation.notNull("example", example);
    java.util.Map<String, Object> row = new java.util.LinkedHashMap<>();
    for (String name : featureNames) {
      row.put(name, denseZeros ? 0.0 : null);
    }
    for (Feature f : example) {
      row.put(f.getName(), f.getValue());
    }
    profile.update(row);
  }
}
