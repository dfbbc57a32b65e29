package dev.mlops.api;

import dev.mlops.api.internal.Validation;
import java.time.Clock;
import java.util.function.Supplier;

/**
 * The options every entry point (tracker, registry, ...) shares: where state lives, the clock for
 * timestamps and who is acting. Entry-point builders extend it.
 *
 * @param <B> the concrete builder, returned by every setter
 */
public abstract class EntryPointBuilder<B extends EntryPointBuilder<B>> {
  private String uri = "file:./mlops";
  private StorageBackend backend;
  private Clock clock = Clock.systemUTC();
  private Supplier<String> principal = () -> System.getProperty("user.name", "unknown");

  /** For the entry points' builders. */
  protected EntryPointBuilder() {}

  /** This builder. */
  protected abstract B self();

  /** Stores into the backend at {@code uri}, opened and closed by the entry point. @throws InvalidArgumentException for a bad URI */
  public B storage(String uri) {
    StorageBackend.open(uri).close();
    this.uri = uri;
    this.backend = null;
    return self();
  }

  /** Stores into an open backend; the caller closes it. */
  public B storage(StorageBackend backend) {
    this.backend = Validation.notNull("backend", backend);
    return self();
  }

  /** The clock for timestamps (tests use a fixed one). */
  public B clock(Clock clock) {
    this.clock = Validation.notNull("clock", clock);
    return self();
  }

  /** Who is acting; defaults to the OS user. */
  public B principal(Supplier<String> principal) {
    this.principal = Validation.notNull("principal", principal);
    return self();
  }

  /**
   * The shared settings, for the entry point's constructor; opens the backend when it was given by URI.
   *
   * @param backend the backend to use
   * @param ownsBackend whether the entry point opened it and must close it
   * @param clock the clock
   * @param principal who is acting
   */
  public record Settings(StorageBackend backend, boolean ownsBackend, Clock clock, Supplier<String> principal) {}

  /** Resolves the settings, opening the backend if it was given by URI. */
  protected Settings settings() {
    return backend != null ? new Settings(backend, false, clock, principal) : new Settings(StorageBackend.open(uri), true, clock, principal);
  }
}
