package io.jpar.cli.fetch;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import javax.net.ssl.SSLContext;

/**
 * HTTPS GETs on the JDK's {@link HttpClient}: TLS from the JDK, HTTP/2 where the server offers it
 * (ALPN), HTTP/1.1 otherwise. Plain http goes to {@link NettyTransport}, which costs half the CPU per
 * request; on TLS the handshake and the ciphers dominate and the JDK client brings HTTP/2 with them.
 */
final class JdkTransport implements Transport {
  private final HttpClient client;

  JdkTransport(Duration connectTimeout, SSLContext tls) {
    this.client = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_2) // negotiated: falls back to HTTP/1.1
        .connectTimeout(connectTimeout)
        .sslContext(tls)
        .followRedirects(HttpClient.Redirect.NEVER) // followed by Fetcher, to count and limit them
        .build();
  }

  @Override
  public Reply get(URI uri, Map<String, String> headers, Duration timeout, Path bodyFile) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(timeout).GET()
        .header("User-Agent", USER_AGENT).header("Accept", "*/*");
    headers.forEach(b::setHeader);
    HttpResponse<InputStream> resp = client.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
    int code = resp.statusCode();
    long n;
    try (InputStream body = resp.body()) {
      if (bodyFile != null && code >= 200 && code < 300) {
        try (OutputStream os = Files.newOutputStream(bodyFile, java.nio.file.StandardOpenOption.CREATE_NEW,
            java.nio.file.StandardOpenOption.WRITE, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
          n = copyWatched(body, os, timeout, uri);
        }
      } else {
        n = copyWatched(body, OutputStream.nullOutputStream(), timeout, uri);
      }
    }
    return new Reply(code, resp.headers().firstValue("Location").orElse(null),
        resp.headers().firstValue("Retry-After").orElse(null), n);
  }

  /** Checks stalled bodies; one daemon thread for all transfers. */
  private static final java.util.concurrent.ScheduledExecutorService WATCHDOG =
      java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "jpar-fetch-body-watchdog");
        t.setDaemon(true);
        return t;
      });

  /**
   * Copies a body, closing it when no byte came for {@code timeout}: the JDK client's request timeout
   * ends with the headers, and a server that stalls mid-body would hold this transfer for ever.
   */
  private static long copyWatched(InputStream body, OutputStream out, Duration timeout, URI uri) throws IOException {
    java.util.concurrent.atomic.AtomicLong progress = new java.util.concurrent.atomic.AtomicLong();
    java.util.concurrent.atomic.AtomicBoolean stalled = new java.util.concurrent.atomic.AtomicBoolean();
    long[] seen = {-1};
    var check = WATCHDOG.scheduleAtFixedRate(() -> {
      long now = progress.get();
      if (now == seen[0]) {
        stalled.set(true);
        try {
          body.close();
        } catch (IOException e) {
          // closing is all we can do
        }
      }
      seen[0] = now;
    }, timeout.toNanos(), timeout.toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
    long n = 0;
    byte[] buf = new byte[16_384];
    try {
      for (int r; (r = body.read(buf)) >= 0; ) {
        out.write(buf, 0, r);
        n += r;
        progress.set(n + 1);
      }
      return n;
    } catch (IOException e) {
      if (stalled.get()) {
        throw new java.net.http.HttpTimeoutException("the body from " + uri.getHost() + " stalled for " + timeout.toMillis() + " ms");
      }
      throw e;
    } finally {
      check.cancel(false);
    }
  }

  @Override
  public void close() {
    client.shutdownNow(); // its selector thread must not be in native code when the JVM exits
    try {
      client.awaitTermination(Duration.ofSeconds(2));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
