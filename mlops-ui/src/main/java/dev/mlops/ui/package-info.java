/** The web UI: {@link dev.mlops.ui.MlopsUi}, embedded or started alone with {@link dev.mlops.ui.MlopsUiMain}. Types are non-null unless marked {@code @Nullable}. */
@NullMarked
package dev.mlops.ui;

import org.jspecify.annotations.NullMarked;
