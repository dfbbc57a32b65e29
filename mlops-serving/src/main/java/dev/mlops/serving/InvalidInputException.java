package dev.mlops.serving;

import dev.mlops.api.InvalidArgumentException;
import java.util.List;

/** A request whose input does not match the version's signature; nothing was predicted. */
public final class InvalidInputException extends InvalidArgumentException {
  private static final long serialVersionUID = 1L;
  private final transient List<String> problems;

  InvalidInputException(String endpoint, List<String> problems) {
    super("invalid input for endpoint '" + endpoint + "': " + String.join("; ", problems));
    this.problems = List.copyOf(problems);
  }

  /** Each problem, naming the feature and what was expected. */
  public List<String> problems() {
    return problems;
  }
}
