package io.jpar;

import java.time.Duration;

/**
 * Tasks for the behaviour specs. They capture nothing, so the same ones can cross to worker JVMs.
 */
final class Tasks {
  private Tasks() {}

  static Integer square(Integer x) {
    return x * x;
  }

  /** Squares, after a pause that makes later inputs finish first, to catch ordering bugs. */
  static Integer squareSlowlyFirst(Integer x) throws InterruptedException {
    Thread.sleep(Math.max(0, 20 - x));
    return x * x;
  }

  /** Fails for 13; squares anything else. */
  static Integer failOn13(Integer x) {
    if (x == 13) {
      throw new IllegalArgumentException("unlucky " + x);
    }
    return x * x;
  }

  static String sleep(Duration d) throws InterruptedException {
    Thread.sleep(d);
    return "slept " + d.toMillis();
  }

  static String sleepMillis(Integer ms) throws InterruptedException {
    Thread.sleep(ms);
    return "slept " + ms;
  }

  /** A fixed amount of computing (about a millisecond per unit): unlike a timed spin, it takes longer when it gets less CPU. */
  static long burn(Integer units) {
    long x = 88172645463325252L + units;
    for (long i = 0; i < units * 1_000_000L; i++) {
      x ^= x << 13;
      x ^= x >>> 7;
      x ^= x << 17;
    }
    return x;
  }
}
