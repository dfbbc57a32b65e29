package dev.mlops.monitoring.drift;

/**
 * A column a drift report was asked to compare but could not test, and why: absent from the
 * current data, without values on one side, of another type there, or a numerical reference profile
 * without the standard deviation its tests are normed by (one made from a quantile sketch alone,
 * {@link dev.mlops.monitoring.profile.ExternalSketches}). Its drift is unknown; the
 * report's verdict covers only the columns it tested.
 *
 * @param name column name
 * @param reason why it was not tested, for example {@code absent from the current data}
 */
public record UntestedColumn(String name, String reason) {
  static final String ABSENT = "absent from the current data";

  /** Why a column that the current data does hold cannot be tested, or null when it can ({@code referenceVariance} NaN: unknown). */
  static @org.jspecify.annotations.Nullable String reason(long referenceValues, long currentValues, int currentRows, boolean referenceNumerical,
      boolean currentNumerical, double referenceVariance) {
    if (referenceValues == 0) {
      return "no values in the reference";
    }
    if (currentValues == 0) {
      return "no values in the current data (all " + currentRows + " rows missing)";
    }
    if (referenceNumerical && !currentNumerical) {
      return "numerical in the reference but categorical in the current data";
    }
    if (referenceNumerical && Double.isNaN(referenceVariance)) {
      return "the reference profile has no mean and variance (made from a quantile sketch without them), and the tests of a number are normed by its standard deviation";
    }
    return null;
  }
}
