package io.jpar.bench;

import java.net.URI;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.http.HttpMethod;

/**
 * {@code jetty}: Jetty 12's asynchronous {@link HttpClient}, HTTP/1.1 (its default transport), with
 * a semaphore bounding the requests in flight and as many connections allowed per destination, so
 * every request in flight has a connection of its own, as with the other stacks.
 *
 * <p>Left at Jetty's defaults on purpose: one selector and its own thread pool (which also runs the
 * selector), the set-up a Jetty user gets without tuning.
 */
final class HttpStackJetty {
  private HttpStackJetty() {}

  static void fetchAll(List<URI> urls, int concurrency, HttpTally tally) throws Exception {
    HttpClient client = new HttpClient();
    client.setMaxConnectionsPerDestination(concurrency);
    client.setFollowRedirects(false);
    // Jetty asks for gzip by default; the other stacks don't, and a fetch counts the bytes as sent.
    client.getContentDecoderFactories().clear();
    client.start();
    try {
      Semaphore inFlight = new Semaphore(concurrency);
      tally.begin();
      for (URI uri : urls) {
        inFlight.acquire();
        // Counting the chunks as they come, rather than send() buffering the body into memory.
        AtomicLong bytes = new AtomicLong();
        client.newRequest(uri)
            .method(HttpMethod.GET)
            .onResponseContent((response, buffer) -> bytes.addAndGet(buffer.remaining()))
            .send(result -> {
              if (result.isFailed()) {
                tally.failed(uri, result.getFailure());
              } else {
                tally.done(uri, result.getResponse().getStatus(), bytes.get());
              }
              inFlight.release();
            });
      }
      tally.awaitAll();
    } finally {
      client.stop();
    }
  }
}
