/** Contract suites and the compatibility kit for storage backends. Types are non-null unless marked {@code @Nullable}. */
@NullMarked
package dev.mlops.testkit;

import org.jspecify.annotations.NullMarked;
