package dev.mlops.api;

import java.util.List;
import java.util.Optional;

/**
 * One page of results and the opaque token of the next page, absent on the last page. Tokens are
 * keyset positions, so they stay correct while other writers insert entities.
 *
 * @param items the results of this page, in order
 * @param nextPageToken the token to pass to get the next page, if there is one
 */
public record Page<T>(List<T> items, Optional<String> nextPageToken) {
  /** The canonical constructor: collections are copied and immutable; a null token becomes empty. */
  public Page {
    items = List.copyOf(items);
    nextPageToken = nextPageToken == null ? Optional.empty() : nextPageToken;
  }

  /** A last page. */
  public static <T> Page<T> last(List<T> items) {
    return new Page<>(items, Optional.empty());
  }
}
