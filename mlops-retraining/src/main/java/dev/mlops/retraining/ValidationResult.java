package dev.mlops.retraining;

import java.util.List;
import java.util.Map;

/**
 * The outcome of validating a retraining's data before training.
 *
 * @param passed whether training may go on
 * @param failures each failed check, with the figures, in words
 * @param figures what was measured (rows, class shares, quality checks)
 */
public record ValidationResult(boolean passed, List<String> failures, Map<String, Object> figures) {
  /** Copies. */
  public ValidationResult {
    failures = List.copyOf(failures);
    figures = Map.copyOf(figures);
  }
}
