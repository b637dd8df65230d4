package io.jpar.cli.fetch;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.security.GeneralSecurityException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Fetches one URL with the rules of {@code jpar fetch}: at most {@code perHost} requests to one host at
 * a time, redirects followed up to a limit, and retries with exponential backoff and jitter on
 * connection errors, timeouts, 5xx and 429 (a {@code Retry-After} is honoured, up to a minute).
 * Plain http goes over {@link NettyTransport}, https over {@link JdkTransport} (made on the first https
 * URL: loading the trusted authorities costs a tenth of a second). Close it to end its network threads.
 */
public final class Fetcher implements AutoCloseable {
  private static final Duration MAX_RETRY_AFTER = Duration.ofSeconds(60);

  /**
   * Settings of a fetch run.
   *
   * @param cacert trust only the certificates in this PEM file for https, or null for the JDK's defaults
   * @param insecure trust any https certificate and skip the host-name check (test servers only)
   */
  public record Settings(Duration timeout, int retries, int maxRedirects, int perHost, Map<String, String> headers,
      Path outDir, Duration backoffBase, Path cacert, boolean insecure) {
    /** Settings without TLS options: the JDK's trusted authorities. */
    public Settings(Duration timeout, int retries, int maxRedirects, int perHost, Map<String, String> headers,
        Path outDir, Duration backoffBase) {
      this(timeout, retries, maxRedirects, perHost, headers, outDir, backoffBase, null, false);
    }
  }

  private static final String RUN = ProcessHandle.current().pid() + "-"
      + Long.toHexString(new java.security.SecureRandom().nextLong() & Long.MAX_VALUE);
  private static final java.util.concurrent.atomic.AtomicLong PARTS = new java.util.concurrent.atomic.AtomicLong();

  private final Settings settings;
  private final NettyTransport http;
  private volatile JdkTransport https; // made on the first https URL, under this
  private final Map<String, Semaphore> hosts = new ConcurrentHashMap<>();

  public Fetcher(Settings settings) {
    this.settings = settings;
    this.http = new NettyTransport(settings.timeout());
  }

  /**
   * Checks the TLS settings now (a bad --cacert file is a usage error, found before any fetch).
   *
   * @throws IOException naming the file and what is wrong with it
   */
  public void checkTls() throws IOException {
    https();
  }

  private Transport transport(URI uri) throws IOException {
    return "https".equalsIgnoreCase(uri.getScheme()) ? https() : http;
  }

  private JdkTransport https() throws IOException {
    JdkTransport t = https;
    if (t == null) {
      synchronized (this) {
        t = https;
        if (t == null) {
          try {
            t = new JdkTransport(settings.timeout(), settings.insecure() ? Tls.insecure()
                : settings.cacert() != null ? Tls.trusting(settings.cacert()) : Tls.system());
          } catch (GeneralSecurityException e) {
            throw new IOException("cannot set up TLS: " + e.getMessage(), e);
          }
          https = t;
        }
      }
    }
    return t;
  }

  @Override
  public void close() {
    http.close();
    JdkTransport t = https;
    if (t != null) {
      t.close();
    }
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
    boolean save = settings.outDir() != null;
    // Unique among this run's fetches (a counter) and among other runs into the same folder (the pid and
    // a random number: containers often share pid 1); the transports create it exclusively.
    Path tmp = save ? settings.outDir().resolve(".part-" + RUN + "-" + PARTS.incrementAndGet()) : null;
    try {
      Transport.Reply r = transport(uri).get(uri, settings.headers(), settings.timeout(), tmp);
      int code = r.status();
      if (code >= 300 && code < 400 && r.location() != null) {
        if (hop >= settings.maxRedirects()) {
          throw new TooManyRedirects("more than " + settings.maxRedirects() + " redirects");
        }
        URI next = uri.resolve(r.location());
        if (!"http".equals(next.getScheme()) && !"https".equals(next.getScheme())) {
          throw new TooManyRedirects("redirect to a non-HTTP URL refused: " + next);
        }
        return next;
      }
      Duration retryAfter = r.retryAfter() == null ? null : parseRetryAfter(r.retryAfter());
      if (save && code >= 200 && code < 300) {
        Path target = SafeNames.fileFor(settings.outDir(), start);
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        tmp = null;
        return new Response(code, r.bytes(), target.toString(), retryAfter);
      }
      return new Response(code, r.bytes(), null, retryAfter);
    } finally {
      if (tmp != null) {
        Files.deleteIfExists(tmp); // a failed or refused body leaves nothing behind
      }
    }
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
