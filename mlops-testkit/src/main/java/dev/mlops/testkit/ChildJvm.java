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
 * Marks a test class or method that starts other JVMs (processes sharing a store, a program run the way a user runs
 * it), each paying a JVM's start-up and class loading. Tagged {@value #TAG}, so a build can leave such tests out
 * ({@code mvn -Pquick verify} does); each such test may take up to 15 minutes on a loaded machine before JUnit fails
 * it as hung.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@Tag(ChildJvm.TAG)
@Timeout(value = 15, unit = TimeUnit.MINUTES)
public @interface ChildJvm {
  /** The JUnit tag these tests carry. */
  String TAG = "child-jvm";
}
