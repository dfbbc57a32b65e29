package dev.mlops.api.search;

import java.util.List;

/**
 * Gives the values of a key for one entity: an empty list when absent, one value for metrics,
 * params, tags and attributes, any number for dataset fields. Numbers are {@link Double}s, the rest
 * {@link String}s.
 */
@FunctionalInterface
public interface Accessor {
  /** The values of {@code key}. */
  List<Object> values(Key key);
}
