/** A browsable, read-only web UI over a store: runs, models, the audit trail, monitors. */
module dev.mlops.ui {
  requires transitive dev.mlops.api;
  requires dev.mlops.tracking;
  requires transitive dev.mlops.registry;
  requires dev.mlops.monitoring;
  // a loop's history is read through its owner, LoopHistory, when the application has continuous training
  requires static dev.mlops.retraining;
  // a handler can be mounted beside the UI (Builder.mount), so its type is part of the API
  requires transitive jdk.httpserver;
  requires com.fasterxml.jackson.databind;
  requires org.slf4j;

  exports dev.mlops.ui;
}
