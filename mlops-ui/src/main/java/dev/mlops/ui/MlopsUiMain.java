package dev.mlops.ui;

import dev.mlops.api.MlopsException;
import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;

/**
 * Starts the UI alone on a store, like {@code mlflow ui}:
 * {@code java -cp ... dev.mlops.ui.MlopsUiMain --storage file:./mlops --port 5000}.
 */
public final class MlopsUiMain {
  static final String USAGE = """
      usage: mlops-ui --storage URI [--create] [--port N] [--host ADDRESS] [--token TOKEN] [--allow-host NAME]
        --storage URI       the store to show: file:./mlops, mem:NAME, jdbc:postgresql://... (required);
                            a file: path that holds no store is refused
        --create            start on a new, empty store when the file: path holds none
        --port N            the port (default 5000; 0 picks a free one)
        --host ADDRESS      the interface to bind (default 127.0.0.1: this machine only)
        --token TOKEN       require this token (at least 16 characters) on every request
        --allow-host NAME   also answer to this Host name (a reverse proxy's), repeatable
        --help              this text
      example: mlops-ui --storage file:./mlops --port 5000""";

  private MlopsUiMain() {}

  /** Runs until the JVM is stopped. */
  public static void main(String[] args) throws InterruptedException {
    // the command prints its own address; the library's INFO lines would repeat it
    if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    }
    MlopsUi ui = start(args, System.out, System.err);
    if (ui == null) {
      System.exit(args.length > 0 && (args[0].equals("--help") || args[0].equals("-h")) ? 0 : 2);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(ui::close));
    new CountDownLatch(1).await();
  }

  /** Parses the arguments and starts the UI; null (with the reason printed) when it cannot. */
  static MlopsUi start(String[] args, PrintStream out, PrintStream err) {
    MlopsUi.Builder b = MlopsUi.builder();
    boolean storage = false;
    try {
      for (int i = 0; i < args.length; i++) {
        String flag = args[i];
        if (flag.equals("--help") || flag.equals("-h")) {
          out.println(USAGE);
          return null;
        }
        if (flag.equals("--create")) {
          b.createStore(true);
          continue;
        }
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException("option " + flag + " needs a value");
        }
        String value = args[++i];
        switch (flag) {
          case "--storage" -> {
            b.storage(value);
            storage = true;
          }
          case "--port" -> b.port(Integer.parseInt(value));
          case "--host" -> b.bindAddress(value);
          case "--token" -> b.token(value);
          case "--allow-host" -> b.allowedHosts(value);
          default -> throw new IllegalArgumentException("unknown option " + flag);
        }
      }
      if (!storage) {
        throw new IllegalArgumentException("--storage is required");
      }
      MlopsUi ui = b.start();
      out.println("mlops UI on " + ui.url() + " (Ctrl-C stops it)");
      return ui;
    } catch (IllegalArgumentException | MlopsException | java.io.UncheckedIOException e) {
      err.println("error: " + e.getMessage());
      err.println(USAGE);
      return null;
    }
  }
}
