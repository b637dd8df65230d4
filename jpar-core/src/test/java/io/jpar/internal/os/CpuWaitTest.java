package io.jpar.internal.os;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A thread's wait for a CPU, read from Linux's schedstat. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CpuWaitTest {
  private static final int CORES = Runtime.getRuntime().availableProcessors();

  private static long parse(String s) {
    byte[] b = s.getBytes(StandardCharsets.US_ASCII);
    return CpuWait.parseSecondField(b, b.length);
  }

  @Test
  void theSecondFieldOfASchedstatLineIsTheWait() {
    assertThat(parse("1009820635 60495005 582\n")).isEqualTo(60_495_005L);
    assertThat(parse("0 0 0\n")).isZero();
    assertThat(parse("12 345")).isEqualTo(345);
  }

  @Test
  void aLineWithoutASecondNumberSaysUnknown() {
    assertThat(parse("")).isEqualTo(-1);
    assertThat(parse("123")).isEqualTo(-1);
    assertThat(parse("123 x 5")).isEqualTo(-1);
    assertThat(parse("1 1234567890123456789012 3")).isEqualTo(-1);
  }

  @Test
  void aThreadThatSharesTheCoresWithMoreBusyThreadsWaitsForThem() throws Exception {
    AtomicBoolean stop = new AtomicBoolean();
    List<Thread> spinners = new ArrayList<>();
    for (int i = 0; i < 3 * CORES; i++) {
      spinners.add(Thread.ofPlatform().daemon().start(() -> {
        while (!stop.get()) {
          Thread.onSpinWait();
        }
      }));
    }
    AtomicLong waited = new AtomicLong(-1);
    try {
      Thread measured = Thread.ofPlatform().start(() -> {
        CpuWait own = CpuWait.current();
        long before = own.nanos();
        long end = System.nanoTime() + 400_000_000L;
        while (System.nanoTime() < end) {
          Thread.onSpinWait();
        }
        waited.set(own.nanos() - before);
        CpuWait.release();
      });
      measured.join();
    } finally {
      stop.set(true);
      for (Thread t : spinners) {
        t.join();
      }
    }
    // With 3 busy threads a core besides it, a thread runs about a quarter of the time: 400 ms of
    // wall time holds far more than 40 ms of waiting (the bound is loose on purpose).
    assertThat(waited.get()).isGreaterThan(40_000_000L);
  }

  @Test
  void anotherThreadCanReadAThreadsFigureWhileItRuns() throws Exception {
    CpuWait[] theirs = new CpuWait[1];
    long[] own = new long[1];
    var ready = new java.util.concurrent.CountDownLatch(1);
    var done = new java.util.concurrent.CountDownLatch(1);
    Thread t = Thread.ofPlatform().start(() -> {
      theirs[0] = CpuWait.current();
      own[0] = theirs[0].nanos();
      ready.countDown();
      try {
        done.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      CpuWait.release();
    });
    ready.await();
    long read = theirs[0].nanos();
    done.countDown();
    t.join();
    assertThat(own[0]).isGreaterThanOrEqualTo(0);
    assertThat(read).isGreaterThanOrEqualTo(own[0]);
    assertThat(theirs[0].nanos()).as("released").isEqualTo(-1);
  }

  @Test
  void aVirtualThreadHasNoFigureOfItsOwn() throws Exception {
    long[] seen = new long[1];
    Thread.ofVirtual().start(() -> seen[0] = CpuWait.current().nanos()).join();
    assertThat(seen[0]).isEqualTo(-1);
  }
}
