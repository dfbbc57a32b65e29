/**
 * Endpoints over HTTP: the Open Inference Protocol (KServe V2) REST API, MLflow's scoring protocol,
 * feedback by request id, health and Prometheus metrics, as a transport-neutral handler and a
 * starter on the JDK's HTTP server.
 */
module dev.mlops.serving.http {
  requires transitive dev.mlops.api;
  requires transitive dev.mlops.serving;
  requires jdk.httpserver;
  requires com.fasterxml.jackson.databind;
  requires static transitive micrometer.registry.prometheus;
  requires static transitive jakarta.servlet;
  requires org.slf4j;

  exports dev.mlops.serving.http;
}
