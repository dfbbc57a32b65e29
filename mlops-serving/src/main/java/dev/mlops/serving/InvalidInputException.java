package dev.mlops.serving;

import dev.mlops.api.InvalidArgumentException;
import java.util.List;

/**
 * A request whose input does not match the version's signature (under {@link InputPolicy#REJECT}),
 * or leaves no usable feature to predict from (under either policy); nothing was predicted.
 */
public final class InvalidInputException extends InvalidArgumentException {
  private static final long serialVersionUID = 1L;
  private final transient List<InputProblem> problems;

  InvalidInputException(String endpoint, List<InputProblem> problems) {
    this(endpoint, problems, false);
  }

  /** With {@code nothingLeft}: the input was to be served with its problems recorded, but no usable feature was left. */
  InvalidInputException(String endpoint, List<InputProblem> problems, boolean nothingLeft) {
    super("invalid input for endpoint '" + endpoint + "': " + String.join("; ", orNoFeatures(problems).stream()
        .map(InputProblem::message).toList()) + (nothingLeft ? "; no usable feature is left to predict from" : ""));
    this.problems = List.copyOf(orNoFeatures(problems));
  }

  private static List<InputProblem> orNoFeatures(List<InputProblem> problems) {
    return problems.isEmpty() ? List.of(new InputProblem(InputProblem.Kind.NO_FEATURES, null, "no features")) : problems;
  }

  /** Each problem: its kind, the feature it concerns and a message naming the feature and what was expected. */
  public List<InputProblem> problems() {
    return problems;
  }
}
