/** In-process serving: endpoints on registry aliases with hot swap, canary, shadow, A/B and bandit routing, rollback and logging. */
module dev.mlops.serving {
  requires transitive dev.mlops.api;
  requires transitive dev.mlops.registry;
  requires transitive dev.mlops.monitoring;
  requires transitive org.tribuo.core;
  requires org.tribuo.classification.core;
  requires org.tribuo.regression.core;
  requires org.jctools.core;
  requires com.fasterxml.jackson.databind;
  requires static micrometer.core;
  requires org.slf4j;

  exports dev.mlops.serving;
}
