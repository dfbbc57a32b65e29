/**
 * Helpers for the library's own tests that are not published: a headless Chromium and the tag of the tests that
 * start one. Types are non-null unless marked {@code @Nullable}.
 */
@NullMarked
package dev.mlops.testsupport;

import org.jspecify.annotations.NullMarked;
