package io.jpar;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The long runs: chaos, orphans and open/close cycles. Tagged "stress" so that a developer can leave
 * them out ({@code -DexcludedGroups=stress}); CI runs them.
 */
@Tag("stress")
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ProcessStressTest {

  @Test
  void underRandomSigkillsEveryResultArrivesOnceCorrectAndInOrder() throws Exception {
    int n = 20_000;
    List<Integer> inputs = IntStream.range(0, n).boxed().toList();
    AtomicBoolean done = new AtomicBoolean();
    AtomicInteger kills = new AtomicInteger();
    try (Pool pool = Pool.processes().workers(2).retries(50).build()) {
      Thread killer = Thread.ofPlatform().daemon().start(() -> {
        Random random = new Random(42);
        while (!done.get()) {
          try {
            Thread.sleep(300);
          } catch (InterruptedException e) {
            return;
          }
          List<ProcessHandle> workers = ProcessHandle.current().children().filter(ProcessHandle::isAlive).toList();
          if (!workers.isEmpty()) {
            workers.get(random.nextInt(workers.size())).destroyForcibly();
            kills.incrementAndGet();
          }
        }
      });
      List<Integer> out;
      try {
        out = pool.map(ProcessStressTest::slowSquare, inputs);
      } finally {
        done.set(true);
        killer.join();
      }
      for (int i = 0; i < n; i++) {
        assertThat(out.get(i)).isEqualTo(i * i);
      }
    }
    assertThat(kills.get()).as("the chaos actually happened").isGreaterThan(3);
  }

  /** About 0.2 ms of work, so that 20,000 take seconds and kills land mid-chunk. */
  static Integer slowSquare(Integer x) {
    long end = System.nanoTime() + 200_000;
    while (System.nanoTime() < end) {
      Thread.onSpinWait();
    }
    return x * x;
  }

  @Test
  void whenTheParentIsKilledItsWorkersExitWithinTwoSeconds() throws Exception {
    Process parent = OrphanHelper.startCaller(OrphanHelper.class);
    List<Long> pids = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(parent.getInputStream()))) {
      for (String line; (line = r.readLine()) != null; ) {
        if (line.startsWith("PIDS ")) {
          Arrays.stream(line.substring(5).split(",")).map(Long::parseLong).forEach(pids::add);
          break;
        }
      }
      assertThat(pids).hasSize(2);
      assertThat(pids).allMatch(ProcessStressTest::alive);
      parent.destroyForcibly(); // SIGKILL: no shutdown hook runs
      parent.waitFor(10, TimeUnit.SECONDS);
      long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
      while (System.nanoTime() < deadline && pids.stream().anyMatch(ProcessStressTest::alive)) {
        Thread.sleep(20);
      }
      assertThat(pids).noneMatch(ProcessStressTest::alive);
    } finally {
      parent.destroyForcibly();
      pids.forEach(p -> ProcessHandle.of(p).ifPresent(ProcessHandle::destroyForcibly));
    }
  }

  /** Alive and not a zombie: a worker that exited but that init has not reaped yet has done its part. */
  private static boolean alive(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
    } catch (java.io.IOException e) {
      return false;
    }
  }

  @Test
  void aHundredOpenCloseCyclesLeaveNoProcessThreadOrFileBehind() throws Exception {
    // One warm-up cycle, so that lazily created JDK threads (process reaper, timers) are counted as base.
    try (Pool pool = Pool.processes().workers(2).build()) {
      pool.map(Tasks::square, List.of(1, 2));
    }
    Thread.sleep(200);
    int threads = Thread.activeCount();
    long files = openFiles();
    for (int i = 0; i < 100; i++) {
      try (Pool pool = Pool.processes().workers(2).build()) {
        assertThat(pool.map(Tasks::square, List.of(1, 2, 3))).containsExactly(1, 4, 9);
      }
    }
    assertThat(ProcessHandle.current().children().filter(ProcessHandle::isAlive).count()).isZero();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while ((Thread.activeCount() > threads + 2 || openFiles() > files + 5) && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    // A little slack: the JDK's own process reaper threads come and go with their own keep-alive.
    assertThat(Thread.activeCount()).isLessThanOrEqualTo(threads + 2);
    assertThat(openFiles()).isLessThanOrEqualTo(files + 5);
  }

  private static long openFiles() throws Exception {
    try (var fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.count();
    }
  }
}
