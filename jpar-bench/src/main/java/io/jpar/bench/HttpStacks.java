package io.jpar.bench;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Compares Java HTTP client stacks on the job of {@code jpar fetch}: GET every URL of a list once,
 * HTTP/1.1 with keep-alive, at most CONCURRENCY requests in flight, bodies read to the end but only
 * counted. It exists to choose the stack that {@code jpar fetch} is built on.
 *
 * <pre>{@code HttpStacks STACK URLS_FILE [CONCURRENCY=256]}</pre>
 *
 * STACK is one of {@code jdk jdk-vt jetty apache netty}. Prints one line on stdout,
 * {@code STACK ok=N other=M bytes=B wall_ms=W}, where ok counts 200 answers, other everything else
 * (other statuses and failures), and wall runs from the first request sent to the last response
 * completed, measured in this JVM (so JVM start and client set-up are left out). The first failures go
 * to stderr. Exits 0 only if every URL was answered 200.
 *
 * <p>Every stack is set up alike so that the comparison is fair: HTTP/1.1 only, no redirects followed,
 * no compression asked for, no automatic retries where the stack allows turning them off, one I/O
 * thread where the stack lets us choose. {@code -Dhttpstacks.timeoutSeconds=N} (default 300) stops a
 * run that hangs.
 */
public final class HttpStacks {
  private HttpStacks() {}

  /** One client stack: fetches every URL once, at most {@code concurrency} at a time. */
  interface Stack {
    /**
     * Sets the client up, calls {@link HttpTally#begin()} just before the first request, reports
     * every URL's outcome to the tally, and returns once all are reported (then closes the client).
     */
    void fetchAll(List<URI> urls, int concurrency, HttpTally tally) throws Exception;
  }

  private static final Map<String, Stack> STACKS = Map.of(
      "jdk", HttpStackJdk::fetchAsync,
      "jdk-vt", HttpStackJdk::fetchOnVirtualThreads,
      "jetty", HttpStackJetty::fetchAll,
      "apache", HttpStackApache::fetchAll,
      "netty", HttpStackNetty::fetchAll);

  public static void main(String[] args) throws Exception {
    if (args.length < 2 || args.length > 3 || !STACKS.containsKey(args[0])) {
      System.err.println("usage: HttpStacks {jdk|jdk-vt|jetty|apache|netty} URLS_FILE [CONCURRENCY=256]");
      System.exit(2);
    }
    String name = args[0];
    List<URI> urls = readUrls(Path.of(args[1]));
    int concurrency = args.length > 2 ? Integer.parseInt(args[2]) : 256;
    if (concurrency < 1) {
      throw new IllegalArgumentException("CONCURRENCY must be at least 1");
    }
    HttpTally tally = new HttpTally(urls.size());
    startWatchdog(name, tally, Duration.ofSeconds(Long.getLong("httpstacks.timeoutSeconds", 300)));

    STACKS.get(name).fetchAll(urls, concurrency, tally);

    System.out.println(tally.summary(name));
    tally.printFailures(System.err);
    System.out.flush();
    // Some clients leave non-daemon threads behind (thread pools winding down): don't wait for them.
    System.exit(tally.allOk() ? 0 : 1);
  }

  /** One URL per line; blank lines are skipped, so a trailing newline is harmless. */
  static List<URI> readUrls(Path file) throws IOException {
    return Files.readAllLines(file).stream().map(String::strip).filter(l -> !l.isEmpty()).map(URI::create).toList();
  }

  /**
   * A stack that loses a response would otherwise wait forever (its in-flight permit never comes
   * back): report what we have and give up after the timeout.
   */
  private static void startWatchdog(String name, HttpTally tally, Duration timeout) {
    Thread.ofPlatform().daemon().name("httpstacks-watchdog").start(() -> {
      try {
        if (!tally.await(timeout)) {
          System.out.println(tally.summary(name));
          System.err.printf("%s: timed out after %s with %d URLs unanswered%n", name, timeout, tally.outstanding());
          tally.printFailures(System.err);
          System.out.flush();
          Runtime.getRuntime().halt(1);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
  }
}
