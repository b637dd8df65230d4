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
        try (OutputStream os = Files.newOutputStream(bodyFile)) {
          n = body.transferTo(os);
        }
      } else {
        n = body.transferTo(OutputStream.nullOutputStream());
      }
    }
    return new Reply(code, resp.headers().firstValue("Location").orElse(null),
        resp.headers().firstValue("Retry-After").orElse(null), n);
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
