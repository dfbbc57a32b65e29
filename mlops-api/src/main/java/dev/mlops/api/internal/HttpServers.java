package dev.mlops.api.internal;

import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.mlops.api.ServerBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Starts the library's HTTP servers (the UI, the MLflow server) the same way: the JDK's server on
 * the options' interface and port (checked by {@link HttpGuard#checkedPort}), one handler for every
 * path, requests on a bounded pool of daemon threads that idle out after 30 s, small answers sent at
 * once ({@link HttpGuard#jdkServerNoDelay}).
 *
 * @param server the started server
 * @param executor its request pool
 */
public record HttpServers(HttpServer server, ExecutorService executor) {
  /**
   * Starts a server.
   *
   * @param coreThreads threads kept while idle (at most the options' thread count)
   * @param queue requests that may wait for a thread
   * @param backlog connections the socket queues
   * @param threadName the pool threads' name
   * @throws IOException when the address cannot be bound
   */
  public static HttpServers start(ServerBuilder.Options o, int coreThreads, int queue, int backlog, String threadName,
      HttpHandler handler) throws IOException {
    HttpGuard.jdkServerNoDelay();
    HttpGuard.checkedPort(o.port());
    ExecutorService executor = new ThreadPoolExecutor(Math.min(coreThreads, o.threads()), o.threads(), 30, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(queue), DaemonThreads.named(threadName));
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress(o.bindAddress(), o.port()), backlog);
      server.setExecutor(executor);
      server.createContext("/", handler);
      server.start();
      return new HttpServers(server, executor);
    } catch (IOException | RuntimeException e) {
      executor.shutdownNow();
      throw e;
    }
  }

  /** The port it listens on. */
  public int port() {
    return server.getAddress().getPort();
  }

  /** Stops the server at once and its pool. */
  public void stop() {
    server.stop(0);
    executor.shutdownNow();
  }
}
