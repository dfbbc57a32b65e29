/**
 * Rows as typed columns: {@link dev.mlops.monitoring.data.Table}, {@link dev.mlops.monitoring.data.Column}
 * and the streaming CSV reader behind {@code Table.readCsv}. Profiles, drift, quality and the monitor
 * read tables; this package depends on none of them. Types are non-null unless marked {@code @Nullable}.
 */
@NullMarked
package dev.mlops.monitoring.data;

import org.jspecify.annotations.NullMarked;
