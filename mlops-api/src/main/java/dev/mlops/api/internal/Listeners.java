package dev.mlops.api.internal;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listeners of one kind of event, called in the order they were added, each isolated from the
 * others: a listener that throws (any exception or error but a virtual machine error) is logged at
 * WARN with what it was told, counted ({@link #failures()}), and the next listener is still called.
 * Adding and removing are safe at any time, also from a listener; a firing calls the listeners
 * present when it starts. Listeners run on the firing thread: the owner chooses that thread.
 *
 * @param <L> the listener type (a {@code Consumer<Alert>}, a {@code RegistryListener}, ...)
 */
public final class Listeners<L> {
  private static final Logger LOG = LoggerFactory.getLogger(Listeners.class);

  /** How a listener is told of an event; may throw a checked exception. */
  @FunctionalInterface
  public interface Call<L> {
    /** Tells {@code listener}. */
    void tell(L listener) throws Exception;
  }

  private final String name;
  private final List<L> listeners = new CopyOnWriteArrayList<>();
  private final LongAdder failures = new LongAdder();

  /** Listeners named {@code name} in log lines, for example {@code "alert listener of monitor m"}. */
  public Listeners(String name) {
    this.name = Objects.requireNonNull(name, "name");
  }

  /**
   * Adds a listener (called after those added before it).
   *
   * @throws dev.mlops.api.InvalidArgumentException for a null listener
   */
  public void add(L listener) {
    listeners.add(Validation.notNull("listener", listener));
  }

  /** Removes one registration of {@code listener}; whether it was there. */
  public boolean remove(L listener) {
    return listeners.remove(listener);
  }

  /** Whether no listener is registered. */
  public boolean isEmpty() {
    return listeners.isEmpty();
  }

  /** The number of registered listeners. */
  public int size() {
    return listeners.size();
  }

  /**
   * Tells every listener through {@code call}; {@code about} names the event in the log line of a
   * failure. Returns how many listeners failed on it.
   */
  public int fire(Call<? super L> call, Object about) {
    int failed = 0;
    for (L l : listeners) {
      try {
        call.tell(l);
      } catch (VirtualMachineError e) {
        throw e;
      } catch (Exception | Error e) {
        failed++;
        failures.increment();
        LOG.warn("{} failed on {}", name, about, e);
      }
    }
    return failed;
  }

  /** Listener calls that threw so far. */
  public long failures() {
    return failures.sum();
  }

  @Override
  public String toString() {
    return "Listeners[" + name + ", " + listeners.size() + "]";
  }
}
