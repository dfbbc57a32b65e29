package dev.mlops.serving;

import java.util.LinkedHashMap;
import java.util.Map;
import org.tribuo.Example;
import org.tribuo.Feature;
import org.tribuo.Output;

/** A request's input in the form the caller gave it. */
abstract sealed class Request<T extends Output<T>> permits Request.OfMap, Request.OfArray, Request.OfExample {
  static <T extends Output<T>> Request<T> ofMap(Map<String, ?> m) {
    return new OfMap<>(m);
  }

  static <T extends Output<T>> Request<T> ofArray(double[] v) {
    return new OfArray<>(v);
  }

  static <T extends Output<T>> Request<T> ofExample(Example<T> e) {
    return new OfExample<>(e);
  }

  /** The example a version with {@code schema} predicts from. */
  abstract Example<T> example(InputSchema schema, T unknown, InputSchema.Problems problems);

  /** The input as column name to value, for monitoring. */
  abstract Map<String, Object> columns(InputSchema schema);

  /**
   * A form the background workers may keep after the caller returns, given the example this
   * request became ({@code built}, which the endpoint created and no one mutates): no copy where
   * that example says everything the caller gave.
   */
  abstract Request<T> detached(Example<T> built);

  static final class OfMap<T extends Output<T>> extends Request<T> {
    final Map<String, ?> map;

    OfMap(Map<String, ?> map) {
      this.map = map;
    }

    @Override
    Example<T> example(InputSchema schema, T unknown, InputSchema.Problems problems) {
      return schema.fromMap(map, unknown, problems);
    }

    @Override
    Map<String, Object> columns(InputSchema schema) {
      return new LinkedHashMap<>(map);
    }

    @Override
    Request<T> detached(Example<T> built) {
      // a presorted example holds every key of a map of plain numbers, by name; a one-hot group
      // ("plan": "pro") is kept as the caller gave it, for monitoring
      return built instanceof PresortedExample ? new OfExample<>(built) : new OfMap<>(new LinkedHashMap<>(map));
    }
  }

  static final class OfArray<T extends Output<T>> extends Request<T> {
    final double[] values;

    OfArray(double[] values) {
      this.values = values;
    }

    @Override
    Example<T> example(InputSchema schema, T unknown, InputSchema.Problems problems) {
      return schema.fromArray(values, unknown, problems);
    }

    @Override
    Map<String, Object> columns(InputSchema schema) {
      Map<String, Object> m = new LinkedHashMap<>();
      String[] names = schema.names();
      for (int i = 0; i < Math.min(names.length, values.length); i++) {
        m.put(names[i], values[i]);
      }
      return m;
    }

    @Override
    Request<T> detached(Example<T> built) {
      return new OfArray<>(values.clone());
    }
  }

  static final class OfExample<T extends Output<T>> extends Request<T> {
    final Example<T> example;

    OfExample(Example<T> example) {
      this.example = example;
    }

    @Override
    Example<T> example(InputSchema schema, T unknown, InputSchema.Problems problems) {
      return schema.check(example, unknown, problems);
    }

    @Override
    Map<String, Object> columns(InputSchema schema) {
      Map<String, Object> m = new LinkedHashMap<>();
      for (Feature f : example) {
        m.put(f.getName(), f.getValue());
      }
      return m;
    }

    @Override
    Request<T> detached(Example<T> built) {
      return new OfExample<>(built == example ? example.copy() : built);
    }
  }
}
