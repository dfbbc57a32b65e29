package dev.mlops.serving;

import dev.mlops.api.InvalidArgumentException;
import java.util.List;

/**
 * A request whose input does not match the version's signature (under {@link InputPolicy#REJECT}),
 * or leaves no usable feature to predict from (under either policy); nothing was predicted.
 */
public final class InvalidInputException extends InvalidArgumentException {
  private static final long serialVersionUID = 1L;
  private final transient List<String> problems;

  InvalidInputException(String endpoint, List<String> problems) {
    this(endpoint, problems, false);
  }

  /** With {@code nothingLeft}: the input was to be served with its problems recorded, but no usable feature was left. */
  InvalidInputException(String endpoint, List<String> problems, boolean nothingLeft) {
    super("invalid input for endpoint '" + endpoint + "': " + (problems.isEmpty() ? "no features" : String.join("; ", problems))
        + (nothingLeft ? "; no usable feature is left to predict from" : ""));
    this.problems = List.copyOf(problems.isEmpty() ? List.of("no features") : problems);
  }

  /** Each problem, naming the feature and what was expected. */
  public List<String> problems() {
    return problems;
  }
}
