package dev.mlops.monitoring.drift;

/**
 * A column a drift report was asked to compare but could not test, and why: absent from the
 * current data, without values on one side, or of another type there. Its drift is unknown; the
 * report's verdict covers only the columns it tested.
 *
 * @param name column name
 * @param reason why it was not tested, for example {@code absent from the current data}
 */
public record UntestedColumn(String name, String reason) {
  static final String ABSENT = "absent from the current data";

  /** Why a column that the current data does hold cannot be tested, or null when it can. */
  static @org.jspecify.annotations.Nullable String reason(long referenceValues, long currentValues, int currentRows, boolean referenceNumerical,
      boolean currentNumerical) {
    if (referenceValues == 0) {
      return "no values in the reference";
    }
    if (currentValues == 0) {
      return "no values in the current data (all " + currentRows + " rows missing)";
    }
    if (referenceNumerical && !currentNumerical) {
      return "numerical in the reference but categorical in the current data";
    }
    return null;
  }
}
