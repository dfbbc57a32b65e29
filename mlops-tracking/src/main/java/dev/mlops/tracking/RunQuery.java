package dev.mlops.tracking;

import org.jspecify.annotations.Nullable;
import dev.mlops.api.internal.Validation;
import dev.mlops.api.tracking.ViewType;
import java.util.ArrayList;
import java.util.List;

/**
 * A run search: which experiments, a filter in the search language, an ordering, a page size and
 * the token of the page to fetch. Build with {@link #builder()}; immutable.
 *
 * <pre>{@code
 * RunQuery q = RunQuery.builder()
 *     .experiments("churn")
 *     .filter("metrics.accuracy > 0.9 AND (params.model = 'sgd' OR params.model = 'cart')")
 *     .orderBy("metrics.accuracy DESC", "start_time")
 *     .maxResults(10)
 *     .build();
 * }</pre>
 *
 * @param experiments experiment names or ids; empty means every experiment
 * @param filter the filter, or "" for every run
 * @param orderBy ORDER BY clauses; empty means newest first
 * @param view which lifecycle stages to include
 * @param maxResults page size, 1 to 50,000
 * @param pageToken the token of the page to fetch, or null for the first
 */
public record RunQuery(List<String> experiments, String filter, List<String> orderBy, ViewType view, int maxResults, @Nullable String pageToken) {
  /** Largest page. */
  public static final int MAX_RESULTS = 50_000;

  /** Copies the lists; both are immutable. */
  public RunQuery {
    experiments = List.copyOf(experiments);
    orderBy = List.copyOf(orderBy);
    Validation.notNull("filter", filter);
    Validation.notNull("view", view);
    if (maxResults < 1 || maxResults > MAX_RESULTS) {
      throw dev.mlops.api.InvalidArgumentException.of("maxResults", maxResults, "must be between 1 and " + MAX_RESULTS);
    }
  }

  /** A builder with defaults: every experiment, no filter, newest first, 1,000 results, active runs. */
  public static Builder builder() {
    return new Builder();
  }

  /** The same query for the page after the one that returned {@code token}. */
  public RunQuery page(String token) {
    return new RunQuery(experiments, filter, orderBy, view, maxResults, token);
  }

  /** Builder of {@link RunQuery}; reusable. */
  public static final class Builder {
    private final List<String> experiments = new ArrayList<>();
    private String filter = "";
    private final List<String> orderBy = new ArrayList<>();
    private ViewType view = ViewType.ACTIVE_ONLY;
    private int maxResults = 1000;
    private @Nullable String pageToken;

    private Builder() {}

    /** Restricts to these experiments, by name or id. */
    public Builder experiments(String... namesOrIds) {
      for (String s : namesOrIds) {
        experiments.add(Validation.notNull("experiment", s));
      }
      return this;
    }

    /** The filter expression. */
    public Builder filter(String filter) {
      this.filter = filter == null ? "" : filter;
      return this;
    }

    /** ORDER BY clauses, such as {@code "metrics.acc DESC"}. */
    public Builder orderBy(String... clauses) {
      for (String s : clauses) {
        orderBy.add(Validation.notNull("orderBy", s));
      }
      return this;
    }

    /** Which lifecycle stages to include. */
    public Builder view(ViewType view) {
      this.view = Validation.notNull("view", view);
      return this;
    }

    /** Page size. */
    public Builder maxResults(int maxResults) {
      if (maxResults < 1 || maxResults > MAX_RESULTS) {
        throw dev.mlops.api.InvalidArgumentException.of("maxResults", maxResults, "must be between 1 and " + MAX_RESULTS);
      }
      this.maxResults = maxResults;
      return this;
    }

    /** The token of the page to fetch. */
    public Builder pageToken(String token) {
      this.pageToken = token;
      return this;
    }

    /** Builds the query. */
    public RunQuery build() {
      return new RunQuery(experiments, filter, orderBy, view, maxResults, pageToken);
    }
  }
}
