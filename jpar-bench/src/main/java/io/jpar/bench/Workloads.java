package io.jpar.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The tasks of {@link AutoBench}, as static methods so that every backend (worker processes included)
 * can run them. Each is one kind of work: computing, sleeping, HTTP, mixed, tiny, allocating.
 */
final class Workloads {
  private Workloads() {}

  /** A fixed amount of computing, about a millisecond per unit on this machine. */
  static long burn(Integer units) {
    long x = 88172645463325252L + units;
    for (long i = 0; i < units * 1_000_000L; i++) {
      x ^= x << 13;
      x ^= x >>> 7;
      x ^= x << 17;
    }
    return x;
  }

  static Integer sleep(Integer millis) throws InterruptedException {
    Thread.sleep(millis);
    return millis;
  }

  /** One unit of computing, then a wait four times as long: CPU is a fifth of the wall time. */
  static long mixed(Integer millis) throws InterruptedException {
    long x = burn(millis);
    Thread.sleep(4L * millis);
    return x;
  }

  static Integer tiny(Integer x) {
    return x * 31 + 7;
  }

  /** Builds and sums a list of 100,000 boxed longs: ~2.4 MB of short-lived garbage per task. */
  static long allocate(Integer seed) {
    List<Long> list = new ArrayList<>();
    for (int i = 0; i < 100_000; i++) {
      list.add((long) i * seed);
    }
    long sum = 0;
    for (Long v : list) {
      sum += v;
    }
    return sum;
  }

  /** A negative input computes that many units, a positive one sleeps that many milliseconds. */
  static long phase(Integer x) throws InterruptedException {
    return x < 0 ? burn(-x) : sleep(x);
  }

  /** 3 ms of computing, then 1 ms of waiting: CPU is three quarters of the wall time. */
  static long mixed75(Integer units) throws InterruptedException {
    long x = burn(3 * units);
    Thread.sleep(units);
    return x;
  }

  /** The in-JVM service with a knee, and the count of HTTP calls in flight to the knee server. */
  static final KneeService KNEE = new KneeService();
  static final KneeService HTTP_IN_FLIGHT = new KneeService();
  static final long KNEE_BASE_MILLIS = 20;

  /** An input for {@link #kneeCall}: the knee at the time of the call, and whether a caller should have settled. */
  static int kneeInput(int knee, boolean settled) {
    return 2 * knee + (settled ? 1 : 0);
  }

  /** One call to the in-JVM service with a knee (see {@link #kneeInput}). */
  static int kneeCall(Integer input) throws InterruptedException {
    KNEE.call(KNEE_BASE_MILLIS, input / 2, input % 2 == 1);
    return input;
  }

  /** A GET to the knee server, counted in flight; a URL ending in {@code ?settled} marks a settled call. */
  static int kneeGet(String url) throws Exception {
    HTTP_IN_FLIGHT.enter(KNEE_HTTP, url.endsWith("?settled"));
    try {
      return get(url);
    } finally {
      HTTP_IN_FLIGHT.exit();
    }
  }

  static final int KNEE_HTTP = 64;

  private static final class Http {
    static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  }

  static int get(String url) throws Exception {
    HttpResponse<Void> r = Http.CLIENT.send(HttpRequest.newBuilder(URI.create(url)).build(),
        HttpResponse.BodyHandlers.discarding());
    return r.statusCode();
  }
}
