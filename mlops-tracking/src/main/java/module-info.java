/** Experiment tracking: experiments, runs, params, metrics, tags, artifacts, datasets, search, Tribuo capture. */
module dev.mlops.tracking {
  requires transitive dev.mlops.api;
  requires transitive org.tribuo.core;
  requires transitive org.tribuo.classification.core;
  requires transitive org.tribuo.regression.core;
  requires transitive com.oracle.labs.mlrg.olcut;
  requires com.oracle.labs.mlrg.olcut.config.json;
  requires com.github.benmanes.caffeine;
  requires org.slf4j;

  exports dev.mlops.tracking;

  provides dev.mlops.api.spi.StoreProvider with dev.mlops.tracking.internal.TrackingStoreProvider;
}
