package dev.mlops.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;

/**
 * Marks a test class or method that uses a real PostgreSQL server ({@link PostgresServer}: embedded binaries unpacked
 * and started once per test JVM, a fresh database per test). Tagged {@value #TAG}, so a build can leave such tests
 * out ({@code mvn -Pquick verify} does); each such test may take up to 15 minutes on a loaded machine before JUnit
 * fails it as hung.
 *
 * <pre>{@code
 * @Postgres
 * class PostgresTrackingStoreTest extends TrackingStoreContract { ... }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@Tag(Postgres.TAG)
@net.jqwik.api.Tag(Postgres.TAG)
@Timeout(value = 15, unit = TimeUnit.MINUTES)
public @interface Postgres {
  /** The JUnit tag these tests carry. */
  String TAG = "postgres";
}
