package dev.mlops.spark;

import dev.mlops.monitoring.profile.Profile;
import java.util.List;

/**
 * The profile of a DataFrame and the columns left out of it.
 *
 * @param profile the library's profile of the profiled columns, in the DataFrame's column order:
 *     stored, merged and compared like any other profile
 * @param skipped the columns of a type the library does not profile, each with the reason, in the
 *     DataFrame's column order; empty when every column was profiled
 */
public record DataFrameProfile(Profile profile, List<SkippedColumn> skipped) {
  /** Copies the list; it is immutable. */
  public DataFrameProfile {
    skipped = List.copyOf(skipped);
  }
}
