package dev.mlops.onnx;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/** One row's class scores as an unmodifiable map in class order, over the row's array (no copy, no boxing until read). */
final class ClassScores extends AbstractMap<String, Double> {
  private final List<String> classes;
  private final Map<String, Integer> index;
  private final double[] scores;

  ClassScores(List<String> classes, Map<String, Integer> index, double[] scores) {
    this.classes = classes;
    this.index = index;
    this.scores = scores;
  }

  @Override
  public int size() {
    return scores.length;
  }

  @Override
  public boolean containsKey(Object key) {
    return index.containsKey(key);
  }

  @Override
  public Double get(Object key) {
    Integer i = index.get(key);
    return i == null ? null : scores[i];
  }

  @Override
  public Set<Entry<String, Double>> entrySet() {
    return new AbstractSet<>() {
      @Override
      public int size() {
        return scores.length;
      }

      @Override
      public Iterator<Entry<String, Double>> iterator() {
        return new Iterator<>() {
          private int next;

          @Override
          public boolean hasNext() {
            return next < scores.length;
          }

          @Override
          public Entry<String, Double> next() {
            if (next >= scores.length) {
              throw new NoSuchElementException();
            }
            int i = next++;
            return new SimpleImmutableEntry<>(classes.get(i), scores[i]);
          }
        };
      }
    };
  }
}
