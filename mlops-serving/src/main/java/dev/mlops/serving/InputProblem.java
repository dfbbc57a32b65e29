package dev.mlops.serving;

import java.util.Locale;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One thing wrong with a request's input against the serving version's signature: what kind of
 * problem, the feature it concerns (none for a wrong count of values or an input with no features),
 * and a message that names the feature, the value and what was expected. Carried by
 * {@link InvalidInputException#problems()} and, for input served anyway under
 * {@link InputPolicy#SERVE_AND_RECORD}, by {@link Served#problems()}; counted by kind in
 * {@link Endpoint#inputProblems()}. Act on the kind and the feature, never on the message's text.
 *
 * @param kind what is wrong
 * @param feature the feature concerned, or null for {@link Kind#WRONG_COUNT} and {@link Kind#NO_FEATURES}
 * @param message what is wrong, naming the feature, the value and what was expected
 */
public record InputProblem(Kind kind, @Nullable String feature, String message) {
  /** What is wrong with an input. */
  public enum Kind {
    /** A feature the version does not take. */
    UNKNOWN_FEATURE,
    /** A feature the version takes and the request lacks. */
    MISSING_FEATURE,
    /** A value of a type the feature does not take (a string for a number, a category the model never saw). */
    WRONG_TYPE,
    /** A number that is NaN or infinite. */
    NON_FINITE,
    /** An array of values whose length is not the number of features. */
    WRONG_COUNT,
    /** A request with no features at all. */
    NO_FEATURES;

    /** The name {@link Endpoint#inputProblems()} counts it under: {@code unknown_feature}, ... */
    public String key() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** The feature concerned, if the problem concerns one. */
  public Optional<String> featureName() {
    return Optional.ofNullable(feature);
  }

  /** The message. */
  @Override
  public String toString() {
    return message;
  }
}
