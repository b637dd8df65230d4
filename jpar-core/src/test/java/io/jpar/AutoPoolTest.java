package io.jpar;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code Pool.auto()} chooses from what it measures, and says so in its plan. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AutoPoolTest {
  private static final int CORES = Runtime.getRuntime().availableProcessors();
  /** Counts user code run in this JVM; an isolated pool must leave it at zero. */
  static final AtomicInteger RAN_HERE = new AtomicInteger();
  static final Queue<Long> OWN_WALL = new ConcurrentLinkedQueue<>();

  private static List<Integer> times(int n, int value) {
    return IntStream.range(0, n).map(i -> value).boxed().toList();
  }

  static Integer sleepAndTime(Integer millis) throws InterruptedException {
    long t0 = System.nanoTime();
    Thread.sleep(millis);
    OWN_WALL.add(System.nanoTime() - t0);
    return millis;
  }

  static long countHereThenPid(Integer x) {
    RAN_HERE.incrementAndGet();
    return ProcessHandle.current().pid();
  }

  @Test
  void workThatSleepsMovesToVirtualThreadsSizedAboveTheCores() {
    long t0 = System.nanoTime();
    try (Pool pool = Pool.auto().maxConcurrency(400).build()) {
      List<String> out = pool.map(Tasks::sleepMillis, times(2_000, 20));
      long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0);
      Plan plan = pool.plan();
      assertThat(out).hasSize(2_000);
      assertThat(plan.backend()).as(plan.toString()).isEqualTo(BackendKind.VIRTUAL_THREADS);
      assertThat(plan.workers()).as(plan.toString()).isGreaterThan(10 * CORES);
      assertThat(plan.cpuShare()).as(plan.toString()).isLessThan(0.2);
      assertThat(plan.history()).as(plan.toString()).anyMatch(h -> h.contains("waiting work"));
      // On the cores' worth of platform threads it would take 2,000 x 20 ms / 2 = 20 s.
      assertThat(seconds).as(plan.toString()).isLessThan(10);
    }
  }

  /**
   * A service simulated in this JVM: a call takes 5 ms while at most {@link #KNEE} are in flight, and
   * (in flight / knee)^2 times longer past that, so its throughput falls past the knee (an overloaded
   * HTTP service, a database past its connection limit). Records the most calls ever in flight.
   */
  static final int KNEE = 32;
  static final AtomicInteger IN_FLIGHT = new AtomicInteger();
  static final AtomicInteger PEAK = new AtomicInteger();

  static Integer callKneeService(Integer x) throws InterruptedException {
    int n = IN_FLIGHT.incrementAndGet();
    PEAK.accumulateAndGet(n, Math::max);
    try {
      Thread.sleep(Math.round(5 * Math.max(1, Math.pow(n / (double) KNEE, 2))));
      return x;
    } finally {
      IN_FLIGHT.decrementAndGet();
    }
  }

  @Test
  void aServiceWhoseThroughputFallsPastAKneeIsNeverFloodedWithCalls() {
    PEAK.set(0);
    try (Pool pool = Pool.auto().maxConcurrency(2_000).build()) {
      List<Integer> inputs = IntStream.range(0, 6_000).boxed().toList();
      List<Integer> out = pool.map(AutoPoolTest::callKneeService, inputs);
      Plan plan = pool.plan();
      assertThat(out).isEqualTo(inputs);
      assertThat(plan.backend()).as(plan.toString()).isEqualTo(BackendKind.VIRTUAL_THREADS);
      // Little's law alone would have sent up to 2,000 at once (the old behaviour: 500-1,000). A raise
      // goes no further than 4x what the service held unqueued (throughput x minimum latency, at most the
      // knee), so not even the first climb floods it.
      assertThat(PEAK.get()).as(plan.toString()).isLessThanOrEqualTo(4 * KNEE);
      assertThat(plan.workers()).as(plan.toString()).isLessThanOrEqualTo(2 * KNEE);
    }
  }

  @Test
  void workThatComputesStaysOnOneThreadPerCore() throws Exception {
    OnSharedCores.retry(() -> {
      try (Pool pool = Pool.auto().build()) {
        pool.map(Tasks::burn, times(200, 2));
        Plan plan = pool.plan();
        assertThat(plan.backend()).as(plan.toString()).isEqualTo(BackendKind.PLATFORM_THREADS);
        assertThat(plan.workers()).isEqualTo(CORES);
        assertThat(plan.cpuShare()).as(plan.toString()).isGreaterThan(0.5);
        assertThat(plan.meanAllocatedBytes()).isGreaterThanOrEqualTo(0);
        assertThat(plan.history()).hasSize(1);
      }
    });
  }

  @Test
  void aPoolLeftIdleBetweenBatchesDoesNotReadTheIdleTimeAsWaiting() throws Exception {
    // `jpar demo` reuses one auto pool for several batches of CSV profiling with other pools running in
    // between: a span left open across that gap read the threads' idle second as waiting work (4% on the
    // CPU) and moved computing work to virtual threads.
    OnSharedCores.retry(() -> {
      try (Pool pool = Pool.auto().build()) {
        for (int batch = 0; batch < 3; batch++) {
          pool.map(Tasks::burn, times(120, 3));
          Thread.sleep(1_100);
        }
        Plan plan = pool.plan();
        assertThat(plan.backend()).as(plan.toString()).isEqualTo(BackendKind.PLATFORM_THREADS);
        assertThat(plan.history()).as(plan.toString()).noneMatch(change -> change.contains("waiting work"));
      }
    });
  }

  @Test
  void workThatComputesStaysOnPlatformThreadsWhileOtherThreadsHoldTheCores() throws Exception {
    // Six busy threads a core: the pool's threads run a seventh of the time, and their CPU over wall
    // (about 0.14) would read as waiting work unless the wait for a core is taken out.
    java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
    List<Thread> spinners = IntStream.range(0, 6 * CORES).mapToObj(i -> Thread.ofPlatform().daemon().start(() -> {
      while (!stop.get()) {
        Thread.onSpinWait();
      }
    })).toList();
    try (Pool pool = Pool.auto().build()) {
      pool.map(Tasks::burn, times(150, 2));
      Plan plan = pool.plan();
      assertThat(plan.backend()).as(plan.toString()).isEqualTo(BackendKind.PLATFORM_THREADS);
      assertThat(plan.cpuShare()).as(plan.toString()).isGreaterThan(0.5);
    } finally {
      stop.set(true);
      for (Thread t : spinners) {
        t.join();
      }
    }
  }

  @Test
  void thePlansFiguresAreTheMeasuredOnes() {
    OWN_WALL.clear();
    try (Pool pool = Pool.auto().maxConcurrency(100).build()) {
      pool.map(AutoPoolTest::sleepAndTime, times(600, 30));
      Plan plan = pool.plan();
      double ownMean = OWN_WALL.stream().mapToLong(Long::longValue).average().orElseThrow();
      assertThat(plan.tasksMeasured()).isBetween(1L, 600L);
      assertThat((double) plan.meanWall().toNanos()).as(plan.toString()).isBetween(0.8 * ownMean, 1.25 * ownMean);
      assertThat(plan.meanCpu()).isLessThan(plan.meanWall());
      assertThat(plan.toString()).contains(plan.backend().label()).contains(Long.toString(plan.tasksMeasured()));
    }
  }

  @Test
  void whenTheWorkChangesCharacterThePoolMovesAndResultsKeepTheirOrder() throws Exception {
    OnSharedCores.retry(() -> {
      // 400 inputs that compute, then 1,500 that wait, then 300 that compute again.
      List<Integer> inputs = Stream.of(times(400, -1), times(1_500, 20), times(300, -1)).flatMap(List::stream).toList();
      try (Pool pool = Pool.auto().maxConcurrency(300).build()) {
        List<Integer> out = pool.imap(AutoPoolTest::computeOrSleep, inputs).toList();
        Plan plan = pool.plan();
        assertThat(out).isEqualTo(inputs);
        assertThat(plan.history()).as(plan.toString()).anyMatch(h -> h.contains("-> waiting work"));
        assertThat(plan.history()).as(plan.toString()).anyMatch(h -> h.contains("-> computing work"));
        assertThat(plan.backend()).as(plan.toString()).isEqualTo(BackendKind.PLATFORM_THREADS);
      }
    });
  }

  /** Negative: compute that many units (about a millisecond each); positive: sleep. Returns its input. */
  static Integer computeOrSleep(Integer x) throws InterruptedException {
    if (x < 0) {
      Tasks.burn(-x);
    } else {
      Thread.sleep(x);
    }
    return x;
  }

  @Test
  void anIsolatedPoolNeverRunsUserCodeInTheCallersJvm() {
    RAN_HERE.set(0);
    long me = ProcessHandle.current().pid();
    try (Pool pool = Pool.auto().isolated(true).maxWorkers(2).build()) {
      List<Long> pids = pool.map(AutoPoolTest::countHereThenPid, times(500, 1));
      List<Outcome<Integer>> crashed = pool.mapOutcomes(Faults::exitOn13, List.of(12, 13, 14));
      assertThat(pids).hasSize(500).doesNotContain(me);
      assertThat(RAN_HERE.get()).isZero();
      assertThat(pool.plan().backend()).isEqualTo(BackendKind.WORKER_PROCESSES);
      assertThat(crashed.get(0).orElseThrow()).isEqualTo(144);
      assertThat(((Outcome.Failure<Integer>) crashed.get(1)).error()).hasCauseInstanceOf(WorkerCrashedException.class);
      assertThat(crashed.get(2).orElseThrow()).isEqualTo(196);
    }
  }

  @Test
  void anIsolatedPoolRefusesATaskThatCannotBeSent() {
    try (Pool pool = Pool.auto().isolated(true).maxWorkers(2).build()) {
      Object notSerializable = new Object();
      Task<Integer, Integer> task = x -> notSerializable.hashCode() + x;
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> pool.map(task, List.of(1)))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void anIsolatedPoolAddsWorkersForWaitingWork() {
    try (Pool pool = Pool.auto().isolated(true).maxWorkers(4).build()) {
      List<String> out = pool.map(Tasks::sleepMillis, times(300, 20));
      Plan plan = pool.plan();
      assertThat(out).hasSize(300);
      assertThat(plan.backend()).isEqualTo(BackendKind.WORKER_PROCESSES);
      assertThat(plan.workers()).as(plan.toString()).isEqualTo(4);
      assertThat(plan.history()).as(plan.toString()).anyMatch(h -> h.contains("-> 4 workers"));
    }
  }
}
