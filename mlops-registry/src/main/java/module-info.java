/** The model registry: versions with lineage, aliases, governance, a tamper-evident audit trail, typed events, verified loading. */
module dev.mlops.registry {
  requires transitive dev.mlops.api;
  requires transitive org.tribuo.core;
  requires com.fasterxml.jackson.databind;
  requires com.github.benmanes.caffeine;
  requires org.slf4j;

  exports dev.mlops.registry;

  provides dev.mlops.api.spi.StoreProvider with dev.mlops.registry.internal.RegistryStoreProvider;
}
