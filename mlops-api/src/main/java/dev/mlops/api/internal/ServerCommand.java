package dev.mlops.api.internal;

import dev.mlops.api.MlopsException;
import dev.mlops.api.ServerBuilder;
import java.io.PrintStream;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The command line the library's standalone servers share ({@code --storage URI [--create]
 * [--port N] [--host ADDRESS] [--token TOKEN] [--allow-host NAME]}): parses it onto a
 * {@link ServerBuilder}, starts the server, and on a bad argument prints the reason and the usage
 * instead.
 */
public final class ServerCommand {
  /** The options' lines of a usage text, shared by the commands. */
  public static final String OPTIONS = String.join("\n",
      "  --storage URI       the store: file:./mlops, mem:NAME, jdbc:postgresql://... (required);",
      "                      a file: path that holds no store is refused",
      "  --create            start on a new, empty store when the file: path holds none",
      "  --port N            the port (default 5000; 0 picks a free one)",
      "  --host ADDRESS      the interface to bind (default 127.0.0.1: this machine only)",
      "  --token TOKEN       require this token (at least 16 characters) on every request",
      "  --allow-host NAME   also answer to this Host name (a reverse proxy's), repeatable",
      "  --help              this text");

  private ServerCommand() {}

  /**
   * Parses {@code args} onto {@code builder} and starts the server with {@code start}; null (with
   * the usage on {@code out} for {@code --help}, or the reason and the usage on {@code err}) when it
   * does not start.
   */
  public static <B extends ServerBuilder<B>, S> @Nullable S start(String[] args, B builder, Function<B, S> start, String usage,
      PrintStream out, PrintStream err) {
    boolean storage = false;
    try {
      for (int i = 0; i < args.length; i++) {
        String flag = args[i];
        if (flag.equals("--help") || flag.equals("-h")) {
          out.println(usage);
          return null;
        }
        if (flag.equals("--create")) {
          builder.createStore(true);
          continue;
        }
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException("option " + flag + " needs a value");
        }
        String value = args[++i];
        switch (flag) {
          case "--storage" -> {
            builder.storage(value);
            storage = true;
          }
          case "--port" -> builder.port(Integer.parseInt(value));
          case "--host" -> builder.bindAddress(value);
          case "--token" -> builder.token(value);
          case "--allow-host" -> builder.allowedHosts(value);
          default -> throw new IllegalArgumentException("unknown option " + flag);
        }
      }
      if (!storage) {
        throw new IllegalArgumentException("--storage is required");
      }
      return start.apply(builder);
    } catch (IllegalArgumentException | MlopsException | java.io.UncheckedIOException e) {
      err.println("error: " + e.getMessage());
      err.println(usage);
      return null;
    }
  }

  /** Whether the arguments ask for help (the command then exits 0 rather than 2). */
  public static boolean asksForHelp(String[] args) {
    return args.length > 0 && (args[0].equals("--help") || args[0].equals("-h"));
  }
}
