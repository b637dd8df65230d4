package io.jpar.bench;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A service whose latency grows with the calls in flight and whose throughput falls past a knee (an
 * overloaded HTTP service, a database past its connection limit): a call takes {@code baseMillis} while
 * at most {@code knee} are in flight, and {@code (inFlight / knee)^2} times longer past that, so
 * throughput ({@code inFlight / latency}) peaks at the knee and falls as {@code knee^2 / inFlight} past
 * it. Used in the JVM by {@link Workloads} and behind HTTP by {@link DelayServer}. Counts the most calls
 * ever in flight, and the most over the knee once the caller should have settled.
 */
final class KneeService {
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger peak = new AtomicInteger();
  /** The largest in flight / knee seen by calls marked settled, x1000. */
  private final AtomicInteger settledPeakPermille = new AtomicInteger();

  /** Makes one call with the given knee; {@code settled} marks calls made once a caller should have settled. */
  void call(long baseMillis, int knee, boolean settled) throws InterruptedException {
    int n = enter(knee, settled);
    try {
      Thread.sleep(Math.round(baseMillis * Math.max(1, Math.pow(n / (double) knee, 2))));
    } finally {
      exit();
    }
  }

  /** Counts a call in (or one made elsewhere, to count what a caller has in flight); returns how many are. */
  int enter(int knee, boolean settled) {
    int n = inFlight.incrementAndGet();
    peak.accumulateAndGet(n, Math::max);
    if (settled) {
      settledPeakPermille.accumulateAndGet((int) (1000L * n / knee), Math::max);
    }
    return n;
  }

  void exit() {
    inFlight.decrementAndGet();
  }

  /** The most calls in flight since the last reset. */
  int peak() {
    return peak.get();
  }

  /** The most calls in flight over the knee, among calls marked settled, since the last reset. */
  double settledPeakOverKnee() {
    return settledPeakPermille.get() / 1000.0;
  }

  void reset() {
    peak.set(0);
    settledPeakPermille.set(0);
  }
}
