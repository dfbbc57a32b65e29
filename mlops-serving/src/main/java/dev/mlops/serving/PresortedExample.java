package dev.mlops.serving;

import org.tribuo.Output;
import org.tribuo.impl.ArrayExample;

/**
 * An {@link ArrayExample} whose feature names arrive already in Tribuo's order (sorted, unique):
 * the endpoint knows a validated request's sorted positions, so the per-request argsort of
 * {@code new ArrayExample(output, names, values)} is skipped. Otherwise it is an ArrayExample.
 */
final class PresortedExample<T extends Output<T>> extends ArrayExample<T> {
  private static final long serialVersionUID = 1L;

  /** {@code sortedNames} must be sorted by {@link String#compareTo} and unique; the arrays are taken, not copied. */
  PresortedExample(T output, String[] sortedNames, double[] values) {
    super(output, 1.0f, 1);
    this.featureNames = sortedNames;
    this.featureValues = values;
    this.size = sortedNames.length;
  }

  /** The feature names, sorted; the example's own array, not to be changed. */
  String[] names() {
    return featureNames;
  }

  /** The feature values in {@link #names()} order; the example's own array, not to be changed. */
  double[] values() {
    return featureValues;
  }
}
