package io.jpar.bench;

import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The outcome of one {@link HttpStacks} run, shared by all stacks so that each is counted and timed
 * the same way. Thread-safe: stacks report from their I/O or callback threads.
 */
final class HttpTally {
  /** Status key for a request that got no HTTP answer at all (connect refused, reset, ...). */
  static final int NO_RESPONSE = -1;
  private static final int KEPT_FAILURES = 5;

  private final int expected;
  private final CountDownLatch remaining;
  private final AtomicLong reported = new AtomicLong();
  private final LongAdder ok = new LongAdder();
  private final LongAdder other = new LongAdder();
  private final LongAdder bytes = new LongAdder();
  private final Map<Integer, LongAdder> statuses = new ConcurrentHashMap<>();
  private final List<String> firstFailures = new ArrayList<>();
  private final AtomicLong lastEnd = new AtomicLong();
  private volatile long start;

  HttpTally(int expected) {
    this.expected = expected;
    this.remaining = new CountDownLatch(expected);
  }

  /** Starts the wall clock: call just before sending the first request. */
  void begin() {
    start = System.nanoTime();
    lastEnd.set(start); // an empty list takes 0 ms
  }

  /** A response read to its end. */
  void done(URI uri, int status, long bodyBytes) {
    bytes.add(bodyBytes);
    if (status == 200) {
      ok.increment();
    } else {
      other.increment();
      keepFailure("HTTP " + status + " " + uri);
    }
    finish(status);
  }

  /** A request that ended without a complete response. */
  void failed(URI uri, Throwable cause) {
    other.increment();
    keepFailure(uri + " " + cause);
    finish(NO_RESPONSE);
  }

  private void finish(int status) {
    statuses.computeIfAbsent(status, s -> new LongAdder()).increment();
    lastEnd.accumulateAndGet(System.nanoTime(), Math::max);
    reported.incrementAndGet();
    remaining.countDown();
  }

  private void keepFailure(String line) {
    synchronized (firstFailures) {
      if (firstFailures.size() < KEPT_FAILURES) {
        firstFailures.add(line);
      }
    }
  }

  /** Waits until every URL is reported, or the timeout passes; true if all were reported. */
  boolean await(Duration timeout) throws InterruptedException {
    return remaining.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Waits until every URL is reported (the watchdog in {@link HttpStacks} bounds the wait). */
  void awaitAll() throws InterruptedException {
    remaining.await();
  }

  long outstanding() {
    return remaining.getCount();
  }

  /** True if every URL was answered 200, each exactly once. */
  boolean allOk() {
    return reported.get() == expected && ok.sum() == expected;
  }

  String summary(String stack) {
    long wallMs = TimeUnit.NANOSECONDS.toMillis(lastEnd.get() - start);
    return stack + " ok=" + ok.sum() + " other=" + other.sum() + " bytes=" + bytes.sum() + " wall_ms=" + wallMs;
  }

  /** The first failures, and the status counts whenever anything was not a 200. */
  void printFailures(PrintStream err) {
    synchronized (firstFailures) {
      firstFailures.forEach(f -> err.println("failed: " + f));
    }
    if (other.sum() > 0 || reported.get() != expected) {
      Map<Integer, Long> counts = new TreeMap<>();
      statuses.forEach((s, n) -> counts.put(s, n.sum()));
      err.println("status counts (" + NO_RESPONSE + " = no response): " + counts
          + "; reported " + reported.get() + " of " + expected + " URLs");
    }
  }
}
