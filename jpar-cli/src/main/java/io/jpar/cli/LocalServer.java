package io.jpar.cli;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.Executors;

/**
 * An HTTP server on 127.0.0.1 (an ephemeral port) that answers every GET after a fixed delay, like a
 * remote service would: the demo's and the fetch benchmark's stand-in for the network.
 */
public final class LocalServer {
  private LocalServer() {}

  /** Starts the server; stop it with {@code stop(0)}. */
  public static HttpServer start(Duration latency) throws IOException {
    HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 8192);
    s.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    long ms = latency.toMillis();
    s.createContext("/", ex -> {
      try (ex) {
        Thread.sleep(ms);
        byte[] body = ("item " + ex.getRequestURI().getPath()).getBytes();
        ex.sendResponseHeaders(200, body.length);
        ex.getResponseBody().write(body);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    s.start();
    return s;
  }
}
