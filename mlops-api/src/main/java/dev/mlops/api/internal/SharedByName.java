package dev.mlops.api.internal;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The state of {@code mem:NAME} stores: one instance per name in this JVM, shared by every backend
 * opened with that name until the last of them releases it.
 *
 * @param <T> the shared state
 */
public final class SharedByName<T> {
  private final Map<String, Entry<T>> byName = new HashMap<>();
  private final Function<String, T> factory;

  private static final class Entry<T> {
    final T value;
    int refs;

    Entry(T value) {
      this.value = value;
    }
  }

  /** Instances made by {@code factory} from the name. */
  public SharedByName(Function<String, T> factory) {
    this.factory = factory;
  }

  /** The instance of {@code name}, made on first use; each call must be matched by one {@link #release}. */
  public synchronized T acquire(String name) {
    Entry<T> e = byName.computeIfAbsent(name, n -> new Entry<>(factory.apply(n)));
    e.refs++;
    return e.value;
  }

  /** Releases one use; returns true when it was the last (the instance is forgotten). */
  public synchronized boolean release(String name) {
    Entry<T> e = byName.get(name);
    if (e == null) {
      return false;
    }
    if (--e.refs == 0) {
      byName.remove(name);
      return true;
    }
    return false;
  }
}
