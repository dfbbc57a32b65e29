package dev.mlops.monitoring.quality;

/**
 * The outcome of one data-quality check.
 *
 * @param check what was checked, for example {@code missing_share} or {@code completeness >= 0.95}
 * @param column the column, or "" for table-level checks
 * @param passed whether it passed
 * @param observed the observed value
 * @param expected the condition it was held to
 */
public record CheckResult(String check, String column, boolean passed, String observed, String expected) {}
