package dev.mlops.testsupport;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;

/**
 * Marks a test class or method that starts a headless Chromium ({@link Browser}, or {@link Browser#binary()} run
 * directly). Tagged {@value #TAG}, so a build can leave such tests out ({@code mvn -Pquick verify} does); each such
 * test may take up to 15 minutes on a loaded machine (the first one may install the browser) before JUnit fails it as
 * hung.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@Tag(Chromium.TAG)
@Timeout(value = 15, unit = TimeUnit.MINUTES)
public @interface Chromium {
  /** The JUnit tag these tests carry. */
  String TAG = "browser";
}
