/**
 * Continuous training: {@link dev.mlops.retraining.RetrainingLoop} turns monitoring alerts,
 * performance signals, schedules, new labels or a manual call into validated, evaluated and
 * governed retrainings, with one auditable history in the store. Types are non-null unless marked
 * {@code @Nullable}.
 */
@NullMarked
package dev.mlops.retraining;

import org.jspecify.annotations.NullMarked;
