/** Continuous training: drift- and performance-triggered retraining, validation, champion-challenger evaluation and governed rollout. */
module dev.mlops.retraining {
  requires transitive dev.mlops.api;
  requires transitive dev.mlops.tracking;
  requires transitive dev.mlops.registry;
  requires transitive dev.mlops.monitoring;
  requires transitive org.tribuo.core;
  requires org.tribuo.classification.core;
  requires org.tribuo.regression.core;
  requires com.fasterxml.jackson.databind;
  requires commons.math3;
  requires java.management;
  requires org.slf4j;

  exports dev.mlops.retraining;

  // the history's records are written and read as JSON
  opens dev.mlops.retraining to com.fasterxml.jackson.databind;

  provides dev.mlops.api.spi.StoreProvider with dev.mlops.retraining.internal.RetrainingStoreProvider;
}
