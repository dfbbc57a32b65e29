package dev.mlops.mlflow;

import dev.mlops.api.internal.ServerCommand;
import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;

/**
 * Starts the MLflow server alone on a store, like {@code mlflow server}:
 * {@code java -cp ... dev.mlops.mlflow.MlflowServerMain --storage file:./mlops --port 5000}, then
 * {@code MLFLOW_TRACKING_URI=http://127.0.0.1:5000}.
 */
public final class MlflowServerMain {
  static final String USAGE = "usage: mlops-mlflow --storage URI [--create] [--port N] [--host ADDRESS] [--token TOKEN] [--allow-host NAME]\n"
      + ServerCommand.OPTIONS + "\nexample: mlops-mlflow --storage file:./mlops --create --port 5000"
      + "\nto move in from an MLflow store: mlops-mlflow import --help";

  private MlflowServerMain() {}

  /** Runs until the JVM is stopped; {@code import ...} runs the importer instead (see {@link MlflowImporter}) and exits. */
  public static void main(String[] args) throws InterruptedException {
    if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    }
    if (args.length > 0 && args[0].equals("import")) {
      System.exit(MlflowImportCommand.run(java.util.Arrays.copyOfRange(args, 1, args.length), System.out, System.err));
      return;
    }
    MlflowServer server = start(args, System.out, System.err);
    if (server == null) {
      System.exit(ServerCommand.asksForHelp(args) ? 0 : 2);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(server::close));
    new CountDownLatch(1).await();
  }

  /** Parses the arguments and starts the server; null (with the reason printed) when it cannot. */
  static MlflowServer start(String[] args, PrintStream out, PrintStream err) {
    MlflowServer server = ServerCommand.start(args, MlflowServer.builder(), MlflowServer.Builder::start, USAGE, out, err);
    if (server != null) {
      out.println("MLflow server on " + server.url() + " (MLFLOW_TRACKING_URI=" + server.url() + "; Ctrl-C stops it)");
    }
    return server;
  }
}
