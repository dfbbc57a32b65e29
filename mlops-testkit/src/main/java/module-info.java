/** The published contract suites every storage backend must pass, and the helpers they use. */
module dev.mlops.testkit {
  requires transitive dev.mlops.api;
  requires transitive org.junit.jupiter.api;
  requires org.junit.jupiter.params;
  requires transitive net.jqwik.api;
  requires static transitive embedded.postgres;
  requires java.sql;

  exports dev.mlops.testkit;
  // JUnit and jqwik instantiate and call the contract classes reflectively
  opens dev.mlops.testkit to org.junit.platform.commons, net.jqwik.engine;
}
