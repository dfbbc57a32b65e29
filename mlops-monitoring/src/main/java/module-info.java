/** Monitoring: mergeable profiles, drift tests, data quality, delayed-label performance, windows, alerts, reports. */
module dev.mlops.monitoring {
  requires transitive dev.mlops.api;
  requires transitive org.tribuo.core;
  requires com.fasterxml.jackson.databind;
  requires com.fasterxml.jackson.dataformat.csv;
  // Commons Math 3 and DataSketches declare no module name: these are their file-name-based automatic names
  requires commons.math3;
  requires datasketches.java;
  requires org.apache.datasketches.memory;
  requires static transitive micrometer.core;
  requires org.slf4j;

  // the API: what applications and the other modules call. The command line (cli) runs from the
  // jar's manifest and the stores (internal) are found through StoreProvider: neither is exported
  exports dev.mlops.monitoring;
  exports dev.mlops.monitoring.data;
  exports dev.mlops.monitoring.drift;
  exports dev.mlops.monitoring.performance;
  exports dev.mlops.monitoring.profile;
  exports dev.mlops.monitoring.quality;
  exports dev.mlops.monitoring.report;
  exports dev.mlops.monitoring.stats;

  // reports and alerts are written and read as JSON
  opens dev.mlops.monitoring to com.fasterxml.jackson.databind;
  opens dev.mlops.monitoring.drift to com.fasterxml.jackson.databind;
  opens dev.mlops.monitoring.quality to com.fasterxml.jackson.databind;
  opens dev.mlops.monitoring.performance to com.fasterxml.jackson.databind;

  provides dev.mlops.api.spi.StoreProvider with dev.mlops.monitoring.internal.MonitoringStoreProvider;
}
