package dev.mlops.ui;

import dev.mlops.api.internal.ServerCommand;
import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;

/**
 * Starts the UI alone on a store, like {@code mlflow ui}:
 * {@code java -cp ... dev.mlops.ui.MlopsUiMain --storage file:./mlops --port 5000}.
 */
public final class MlopsUiMain {
  static final String USAGE = "usage: mlops-ui --storage URI [--create] [--port N] [--host ADDRESS] [--token TOKEN] [--allow-host NAME]\n"
      + ServerCommand.OPTIONS + "\nexample: mlops-ui --storage file:./mlops --port 5000";

  private MlopsUiMain() {}

  /** Runs until the JVM is stopped. */
  public static void main(String[] args) throws InterruptedException {
    // the command prints its own address; the library's INFO lines would repeat it
    if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    }
    MlopsUi ui = start(args, System.out, System.err);
    if (ui == null) {
      System.exit(ServerCommand.asksForHelp(args) ? 0 : 2);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(ui::close));
    new CountDownLatch(1).await();
  }

  /** Parses the arguments and starts the UI; null (with the reason printed) when it cannot. */
  static MlopsUi start(String[] args, PrintStream out, PrintStream err) {
    MlopsUi ui = ServerCommand.start(args, MlopsUi.builder(), MlopsUi.Builder::start, USAGE, out, err);
    if (ui != null) {
      out.println("mlops UI on " + ui.url() + " (Ctrl-C stops it)");
    }
    return ui;
  }
}
