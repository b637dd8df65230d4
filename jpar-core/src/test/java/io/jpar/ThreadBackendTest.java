package io.jpar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Behaviour only threads can show: shared memory lets these tests count what ran. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ThreadBackendTest {

  @Test
  void theFirstFailureCancelsTheRestOfTheBatch() {
    AtomicInteger started = new AtomicInteger();
    Task<Integer, Integer> task =
        x -> {
          started.incrementAndGet();
          if (x == 0) {
            throw new IllegalStateException("boom");
          }
          Thread.sleep(50);
          return x;
        };
    try (Pool pool = Pool.threads().workers(2).build()) {
      assertThatThrownBy(() -> pool.map(task, IntStream.range(0, 1_000).boxed().toList()))
          .isInstanceOf(TaskFailedException.class)
          .hasRootCauseMessage("boom");
    }
    // Without fail-fast all 1,000 would run (50 s on 2 threads); with it only a window's worth start.
    assertThat(started.get()).isLessThan(50);
  }

  @Test
  void aFailureAfterTheHeadIsThrownWithoutWaitingForTheHead() {
    Task<Integer, Integer> task =
        x -> {
          if (x == 0) {
            Thread.sleep(30_000);
          }
          throw new IllegalStateException("fast failure " + x);
        };
    long start = System.nanoTime();
    try (Pool pool = Pool.threads().workers(2).build()) {
      assertThatThrownBy(() -> pool.map(task, List.of(0, 1)))
          .isInstanceOf(TaskFailedException.class)
          .hasRootCauseMessage("fast failure 1");
    }
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
  }

  @Test
  void virtualThreadsNeverRunMoreThanMaxConcurrencyAtOnce() {
    AtomicInteger now = new AtomicInteger();
    AtomicInteger peak = new AtomicInteger();
    Task<Integer, Integer> task =
        x -> {
          peak.accumulateAndGet(now.incrementAndGet(), Math::max);
          Thread.sleep(5);
          now.decrementAndGet();
          return x;
        };
    try (Pool pool = Pool.virtualThreads().maxConcurrency(7).build()) {
      List<TaskFuture<Integer>> fs = IntStream.range(0, 300).mapToObj(i -> pool.submit(task, i)).toList();
      fs.forEach(TaskFuture::join);
    }
    assertThat(peak.get()).isEqualTo(7);
  }

  @Test
  void tenThousandSleepingTasksOverlapOnVirtualThreads() {
    try (Pool pool = Pool.virtualThreads().maxConcurrency(10_000).build()) {
      long start = System.nanoTime();
      List<String> out = pool.map(Tasks::sleepMillis, IntStream.range(0, 10_000).map(i -> 100).boxed().toList());
      assertThat(out).hasSize(10_000);
      // Serially this would take 1,000 s; overlapped it is ~0.1 s. 10x loose bound: no serialization.
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }
  }

  @Test
  void cancellingARunningTaskInterruptsIt() throws Exception {
    CountDownLatch running = new CountDownLatch(1);
    CountDownLatch interrupted = new CountDownLatch(1);
    Task<Integer, Integer> task =
        x -> {
          running.countDown();
          try {
            Thread.sleep(60_000);
          } catch (InterruptedException e) {
            interrupted.countDown();
          }
          return x;
        };
    try (Pool pool = Pool.threads().workers(1).build()) {
      TaskFuture<Integer> f = pool.submit(task, 1);
      running.await();
      assertThat(f.cancel(true)).isTrue();
      assertThat(interrupted.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(f.isCancelled()).isTrue();
      // The interrupt does not leak into the thread's next task.
      assertThat(pool.submit(x -> Thread.currentThread().isInterrupted(), 0).join()).isFalse();
    }
  }

  @Test
  void closingStreamCancelsWhatIsInFlight() {
    Set<Integer> finished = ConcurrentHashMap.newKeySet();
    Task<Integer, Integer> task =
        x -> {
          Thread.sleep(x == 0 ? 0 : 30_000);
          finished.add(x);
          return x;
        };
    try (Pool pool = Pool.threads().workers(2).build()) {
      try (var results = pool.imap(task, IntStream.range(0, 100).boxed().toList())) {
        assertThat(results.findFirst()).contains(0);
      }
      // After the stream is closed the pool closes promptly: the 30 s sleeps were interrupted.
    }
    assertThat(finished).containsExactly(0);
  }

  @Test
  void aThousandOpenCloseCyclesLeaveNoThreadBehind() throws InterruptedException {
    int before = Thread.activeCount();
    for (int i = 0; i < 1_000; i++) {
      try (Pool pool = (i % 2 == 0 ? Pool.threads().workers(2).build() : Pool.virtualThreads().build())) {
        pool.map(Tasks::square, List.of(1, 2, 3));
      }
    }
    // Platform threads end shortly after their executor terminates; allow a moment.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (Thread.activeCount() > before + 1 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(Thread.activeCount()).isLessThanOrEqualTo(before + 1); // + the shared deadline timer
  }
}
