package io.jpar.bench;

import com.sun.net.httpserver.HttpServer;
import io.jpar.cli.LocalServer;
import java.time.Duration;

/**
 * The fetch benchmarks' server, in a JVM of its own: answers every GET on 127.0.0.1 after a fixed
 * delay. Prints its port, then serves until killed. {@code DelayServer DELAY_MS}
 */
public final class DelayServer {
  private DelayServer() {}

  public static void main(String[] args) throws Exception {
    HttpServer s = LocalServer.start(Duration.ofMillis(Long.parseLong(args[0])));
    System.out.println(s.getAddress().getPort());
    System.out.flush();
  }
}
