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
 * Marks a test that is slow by design: a soak or load test, which keeps the machine busy on purpose (threads spinning on
 * every core, thousands of operations, files of tens of megabytes) to show a property that only load reveals, a
 * statistical check repeated over many random splits of real data sets or hundreds of thousands of simulated draws
 * (whose error rates only many repetitions measure), or a check of the whole project (compiling every module's
 * sources). Tagged {@value #TAG}, so a build can leave such
 * tests out ({@code mvn -Pquick verify} does); each such test may take up to 15 minutes on a loaded machine before
 * JUnit fails it as hung.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@Tag(Slow.TAG)
@net.jqwik.api.Tag(Slow.TAG)
@Timeout(value = 15, unit = TimeUnit.MINUTES)
public @interface Slow {
  /** The JUnit tag these tests carry. */
  String TAG = "slow";
}
