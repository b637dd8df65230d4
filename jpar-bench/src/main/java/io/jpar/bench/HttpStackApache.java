package io.jpar.bench;

import java.net.URI;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.Semaphore;
import org.apache.hc.client5.http.async.methods.AbstractBinResponseConsumer;
import org.apache.hc.client5.http.config.TlsConfig;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.client5.http.nio.AsyncClientConnectionManager;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.nio.support.AsyncRequestBuilder;
import org.apache.hc.core5.http2.HttpVersionPolicy;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.reactor.IOReactorConfig;

/**
 * {@code apache}: Apache HttpClient 5's asynchronous client, HTTP/1.1 only, with a semaphore bounding
 * the requests in flight and a pool of as many connections per route. Its response consumer counts the
 * body's bytes and drops them, where SimpleHttpRequest's would buffer the whole body.
 */
final class HttpStackApache {
  private HttpStackApache() {}

  static void fetchAll(List<URI> urls, int concurrency, HttpTally tally) throws Exception {
    AsyncClientConnectionManager connections = PoolingAsyncClientConnectionManagerBuilder.create()
        .setMaxConnPerRoute(concurrency)
        .setMaxConnTotal(concurrency)
        // Plain http is HTTP/1.1 already; this also keeps it from negotiating h2 over TLS.
        .setDefaultTlsConfig(TlsConfig.custom().setVersionPolicy(HttpVersionPolicy.FORCE_HTTP_1).build())
        .build();
    CloseableHttpAsyncClient client = HttpAsyncClients.custom()
        .setConnectionManager(connections)
        // Its default is one I/O thread per core; one, like the other stacks' selector.
        .setIOReactorConfig(IOReactorConfig.custom().setIoThreadCount(1).build())
        // A fetch sees each URL's own answer, once: no redirects, no silent retries, no gzip.
        .disableRedirectHandling()
        .disableAutomaticRetries()
        .disableContentCompression()
        .build();
    client.start();
    try {
      Semaphore inFlight = new Semaphore(concurrency);
      tally.begin();
      for (URI uri : urls) {
        inFlight.acquire();
        client.execute(AsyncRequestBuilder.get(uri).build(), new CountingConsumer(), new FutureCallback<>() {
          @Override
          public void completed(CountingConsumer response) {
            tally.done(uri, response.status, response.bytes);
            inFlight.release();
          }

          @Override
          public void failed(Exception error) {
            tally.failed(uri, error);
            inFlight.release();
          }

          @Override
          public void cancelled() {
            failed(new IllegalStateException("cancelled"));
          }
        });
      }
      tally.awaitAll();
    } finally {
      client.close(CloseMode.IMMEDIATE); // everything has been answered: nothing to wait for
    }
  }

  /** Keeps the status, counts the body's bytes and lets them go. */
  private static final class CountingConsumer extends AbstractBinResponseConsumer<CountingConsumer> {
    private int status;
    private long bytes;

    @Override
    protected void start(HttpResponse response, ContentType contentType) {
      status = response.getCode();
    }

    @Override
    protected int capacityIncrement() {
      return Integer.MAX_VALUE; // never push back on the server
    }

    @Override
    protected void data(ByteBuffer src, boolean endOfStream) {
      bytes += src.remaining();
      src.position(src.limit());
    }

    @Override
    protected CountingConsumer buildResult() {
      return this;
    }

    @Override
    public void releaseResources() {}
  }
}
