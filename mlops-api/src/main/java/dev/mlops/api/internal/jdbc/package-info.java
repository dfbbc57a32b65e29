/** Not API: the SQL layer of every store (SQLite and PostgreSQL connections, migrations, transactions with retry, statements). */
@NullMarked
package dev.mlops.api.internal.jdbc;

import org.jspecify.annotations.NullMarked;
