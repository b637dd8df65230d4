package io.jpar.cli.fetch;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Fetches one URL with the rules of {@code jpar fetch}: at most {@code perHost} requests to one host at
 * a time, redirects followed up to a limit, and retries with exponential backoff and jitter on
 * connection errors, timeouts, 5xx and 429 (a {@code Retry-After} is honoured, up to a minute).
 */
public final class Fetcher {
  private static final Duration MAX_RETRY_AFTER = Duration.ofSeconds(60);

  /** Settings of a fetch run. */
  public record Settings(Duration timeout, int retries, int maxRedirects, int perHost, Map<String, String> headers,
      Path outDir, Duration backoffBase) {}

  private final Settings settings;
  private final HttpClient client;
  private final Map<String, Semaphore> hosts = new ConcurrentHashMap<>();

  public Fetcher(Settings settings) {
    this.settings = settings;
    this.client = HttpClient.newBuilder()
        .connectTimeout(settings.timeout())
        .followRedirects(HttpClient.Redirect.NEVER) // followed here, to count and limit them
        .build();
  }

  public FetchResult fetch(URI uri) throws InterruptedException {
    long t0 = System.nanoTime();
    int attempts = 0;
    String error = null;
    int status = 0;
    long bytes = 0;
    String file = null;
    while (true) {
      attempts++;
      Duration wait = null;
      try {
        Response r = followRedirects(uri);
        status = r.status;
        bytes = r.bytes;
        file = r.file;
        if (status == 429 || status >= 500) {
          error = "HTTP " + status;
          wait = r.retryAfter;
        } else {
          error = status >= 400 ? "HTTP " + status : null;
          break;
        }
      } catch (HttpTimeoutException e) {
        error = "timed out after " + settings.timeout().toMillis() + " ms";
      } catch (TooManyRedirects e) {
        error = e.getMessage();
        break;
      } catch (IOException e) {
        error = "connection failed: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
      }
      if (attempts > settings.retries()) {
        break;
      }
      Thread.sleep(wait != null ? wait : backoff(attempts));
    }
    long ms = (System.nanoTime() - t0) / 1_000_000;
    return new FetchResult(uri.toString(), status, bytes, ms, attempts, error, error == null ? file : null);
  }

  /** base * 2^(attempt-1), with +-50% jitter so that many clients do not retry in step. */
  private Duration backoff(int attempt) {
    long base = settings.backoffBase().toMillis() << Math.min(attempt - 1, 10);
    return Duration.ofMillis(base / 2 + ThreadLocalRandom.current().nextLong(base + 1));
  }

  private record Response(int status, long bytes, String file, Duration retryAfter) {}

  private static final class TooManyRedirects extends IOException {
    private static final long serialVersionUID = 1L;

    TooManyRedirects(String message) {
      super(message);
    }
  }

  private Response followRedirects(URI start) throws IOException, InterruptedException {
    URI uri = start;
    for (int hop = 0; ; hop++) {
      Semaphore host = hosts.computeIfAbsent(uri.getHost() + ":" + uri.getPort(), h -> new Semaphore(settings.perHost()));
      host.acquire(); // held until the body is read: a host's limit counts transfers, not just headers
      try {
        Object next = hop(start, uri, hop);
        if (next instanceof Response r) {
          return r;
        }
        uri = (URI) next;
      } finally {
        host.release();
      }
    }
  }

  /** One request: a {@link Response}, or the URI a redirect points to. */
  private Object hop(URI start, URI uri, int hop) throws IOException, InterruptedException {
    {
      HttpResponse<InputStream> resp = send(uri);
      int code = resp.statusCode();
      Optional<String> location = resp.headers().firstValue("Location");
      if (code >= 300 && code < 400 && location.isPresent()) {
        resp.body().close();
        if (hop >= settings.maxRedirects()) {
          throw new TooManyRedirects("more than " + settings.maxRedirects() + " redirects");
        }
        URI next = uri.resolve(location.get());
        if (!"http".equals(next.getScheme()) && !"https".equals(next.getScheme())) {
          throw new TooManyRedirects("redirect to a non-HTTP URL refused: " + next);
        }
        return next;
      }
      Duration retryAfter = resp.headers().firstValue("Retry-After").map(Fetcher::parseRetryAfter).orElse(null);
      try (InputStream body = resp.body()) {
        if (settings.outDir() != null && code >= 200 && code < 300) {
          Path target = SafeNames.fileFor(settings.outDir(), start);
          Path tmp = Files.createTempFile(settings.outDir(), ".part-", "");
          long n;
          try (OutputStream os = Files.newOutputStream(tmp)) {
            n = body.transferTo(os);
          }
          Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
          return new Response(code, n, target.toString(), retryAfter);
        }
        return new Response(code, body.transferTo(OutputStream.nullOutputStream()), null, retryAfter);
      }
    }
  }

  private HttpResponse<InputStream> send(URI uri) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(settings.timeout()).GET();
    settings.headers().forEach(b::header);
    return client.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
  }

  /** Seconds, or an HTTP date; capped at a minute. */
  static Duration parseRetryAfter(String value) {
    try {
      long s = Long.parseLong(value.trim());
      return min(Duration.ofSeconds(Math.max(0, s)));
    } catch (NumberFormatException e) {
      try {
        ZonedDateTime at = ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME);
        Duration d = Duration.between(ZonedDateTime.now(at.getZone()), at);
        return min(d.isNegative() ? Duration.ZERO : d);
      } catch (DateTimeParseException e2) {
        return null;
      }
    }
  }

  private static Duration min(Duration d) {
    return d.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : d;
  }
}
