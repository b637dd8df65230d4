package io.jpar.bench;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.util.concurrent.Executors;

/**
 * The fetch benchmarks' server, in a JVM of its own: answers every GET on 127.0.0.1 after a fixed
 * delay. Prints its port, then serves until killed. {@code DelayServer DELAY_MS}
 */
public final class DelayServer {
  private DelayServer() {}

  public static void main(String[] args) throws Exception {
    long ms = Long.parseLong(args[0]);
    HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 8192);
    s.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
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
    System.out.println(s.getAddress().getPort());
    System.out.flush();
  }
}
