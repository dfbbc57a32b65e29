/**
 * The library's API: value types, store SPIs, backend discovery by URI, the filter language and
 * exceptions. {@code internal} packages are shared with the library's own modules only.
 */
module dev.mlops.api {
  requires transitive java.sql;
  requires static transitive org.jspecify;
  requires org.slf4j;
  requires jdk.httpserver;
  requires com.fasterxml.jackson.databind;
  requires org.xerial.sqlitejdbc;
  requires static org.postgresql.jdbc;
  requires static com.zaxxer.hikari;
  requires static org.tribuo.core;

  exports dev.mlops.api;
  exports dev.mlops.api.artifact;
  exports dev.mlops.api.monitoring;
  exports dev.mlops.api.registry;
  exports dev.mlops.api.retraining;
  exports dev.mlops.api.search;
  exports dev.mlops.api.spi;
  exports dev.mlops.api.tracking;

  exports dev.mlops.api.internal to dev.mlops.tracking, dev.mlops.registry, dev.mlops.monitoring, dev.mlops.serving, dev.mlops.retraining, dev.mlops.ui,
      dev.mlops.serving.http, dev.mlops.mlflow;
  exports dev.mlops.api.internal.jdbc to dev.mlops.tracking, dev.mlops.registry, dev.mlops.monitoring, dev.mlops.retraining;
  exports dev.mlops.api.internal.tribuo to dev.mlops.tracking, dev.mlops.registry, dev.mlops.serving;

  // the value records are written and read as JSON by the stores
  opens dev.mlops.api.registry to com.fasterxml.jackson.databind;
  opens dev.mlops.api.tracking to com.fasterxml.jackson.databind;

  uses dev.mlops.api.spi.StoreProvider;
  provides dev.mlops.api.spi.StoreProvider with dev.mlops.api.internal.artifact.ArtifactStoreProvider;
}
