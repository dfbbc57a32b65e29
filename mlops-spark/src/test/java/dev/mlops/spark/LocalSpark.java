package dev.mlops.spark;

import org.apache.spark.sql.SparkSession;

/**
 * The one local Spark session of this module's test run: two cores, a small shuffle, no UI, bound
 * to the loopback address. Started by the first test that asks for it and stopped when the test
 * JVM exits, so the run pays Spark's start-up once.
 */
final class LocalSpark {
  private static SparkSession session;

  private LocalSpark() {}

  static synchronized SparkSession session() {
    if (session == null) {
      session = SparkSession.builder()
          .appName("mlops-spark-tests")
          .master("local[2]")
          .config("spark.ui.enabled", "false")
          .config("spark.driver.bindAddress", "127.0.0.1")
          .config("spark.driver.host", "127.0.0.1")
          .config("spark.sql.shuffle.partitions", "4")
          .config("spark.default.parallelism", "4")
          .config("spark.sql.adaptive.enabled", "false")
          .config("spark.sql.streaming.ui.enabled", "false")
          .getOrCreate();
      SparkSession started = session;
      Runtime.getRuntime().addShutdownHook(new Thread(started::stop, "mlops-spark-tests-stop"));
    }
    return session;
  }
}
