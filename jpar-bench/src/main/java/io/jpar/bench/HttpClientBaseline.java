package io.jpar.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * What a careful user writes by hand: one JDK HttpClient, a virtual thread per URL, bodies read and
 * discarded. {@code HttpClientBaseline URLS_FILE}; prints the seconds taken.
 */
public final class HttpClientBaseline {
  private HttpClientBaseline() {}

  public static void main(String[] args) throws Exception {
    List<URI> uris = Files.readAllLines(Path.of(args[0])).stream().filter(l -> !l.isBlank()).map(URI::create).toList();
    HttpClient client = HttpClient.newHttpClient();
    long t0 = System.nanoTime();
    try (var ex = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<Integer>> fs = uris.stream().map(u -> ex.submit(() ->
          client.send(HttpRequest.newBuilder(u).GET().build(), HttpResponse.BodyHandlers.ofByteArray()).statusCode()))
          .toList();
      for (Future<Integer> f : fs) {
        if (f.get() != 200) {
          throw new IllegalStateException("status " + f.get());
        }
      }
    }
    System.out.printf("%.3f%n", (System.nanoTime() - t0) / 1e9);
  }
}
