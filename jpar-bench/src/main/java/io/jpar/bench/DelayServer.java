package io.jpar.bench;

import com.sun.net.httpserver.HttpServer;
import io.jpar.cli.LocalServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executors;

/**
 * The fetch benchmarks' server, in a JVM of its own: answers every GET on 127.0.0.1 after a fixed
 * delay; or, given a knee, as a {@link KneeService} (the delay while at most KNEE requests are in
 * flight, growing with their square past it). Prints its port, then serves until killed.
 * {@code DelayServer DELAY_MS [KNEE]}
 */
public final class DelayServer {
  private DelayServer() {}

  public static void main(String[] args) throws Exception {
    long delay = Long.parseLong(args[0]);
    HttpServer s = args.length > 1 ? kneeServer(delay, Integer.parseInt(args[1])) : LocalServer.start(Duration.ofMillis(delay));
    System.out.println(s.getAddress().getPort());
    System.out.flush();
  }

  private static HttpServer kneeServer(long delay, int knee) throws IOException {
    KneeService service = new KneeService();
    HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 8192);
    s.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    s.createContext("/", ex -> {
      try (ex) {
        service.call(delay, knee, false);
        byte[] body = ("item " + ex.getRequestURI().getPath()).getBytes(StandardCharsets.UTF_8);
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
