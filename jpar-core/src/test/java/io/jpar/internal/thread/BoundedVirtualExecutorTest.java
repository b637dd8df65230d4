package io.jpar.internal.thread;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The virtual-thread executor's bound, changed while it runs (as an auto pool's plan does). */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class BoundedVirtualExecutorTest {
  @Test
  void aLoweredLimitHoldsQueuedTasksBackUntilFewerRunAndARaisedOneStartsThem() throws Exception {
    BoundedVirtualExecutor e = new BoundedVirtualExecutor(100, "limit-test");
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger running = new AtomicInteger();
    AtomicInteger peak = new AtomicInteger();
    e.limit(4);
    for (int i = 0; i < 20; i++) {
      e.execute(() -> {
        peak.accumulateAndGet(running.incrementAndGet(), Math::max);
        try {
          release.await();
        } catch (InterruptedException ignored) {
          Thread.currentThread().interrupt();
        } finally {
          running.decrementAndGet();
        }
      });
    }
    while (running.get() < 4) {
      Thread.sleep(1);
    }
    Thread.sleep(50);
    assertThat(running.get()).isEqualTo(4); // 16 wait in the queue, not as threads
    e.limit(10);
    while (running.get() < 10) {
      Thread.sleep(1);
    }
    e.limit(2); // below what runs: nothing more starts until fewer than 2 run
    release.countDown();
    e.shutdown();
    assertThat(e.awaitTermination(20, TimeUnit.SECONDS)).isTrue();
    assertThat(peak.get()).isEqualTo(10);
    assertThat(e.live()).isZero();
  }
}
