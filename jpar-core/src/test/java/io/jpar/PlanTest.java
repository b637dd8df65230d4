package io.jpar;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code plan()} reports the machinery and the figures measured on the tasks that ran. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PlanTest {

  private static List<Integer> times(int n, int value) {
    return IntStream.range(0, n).map(i -> value).boxed().toList();
  }

  @Test
  void beforeAnyTaskThePlanSaysNothingIsMeasured() {
    try (Pool pool = Pool.threads().workers(3).build()) {
      Plan plan = pool.plan();
      assertThat(plan.backend()).isEqualTo(BackendKind.PLATFORM_THREADS);
      assertThat(plan.workers()).isEqualTo(3);
      assertThat(plan.tasksMeasured()).isZero();
      assertThat(plan.explanation()).contains("nothing is measured");
    }
  }

  @Test
  void computingTasksOnThreadsAreMeasuredAsCpuBound() throws Exception {
    OnSharedCores.retry(() -> {
      // One thread: the other core is left to the JVM's own threads, so the task's CPU share is not
      // diluted by preemption on a 2-core machine.
      try (Pool pool = Pool.threads().workers(1).build()) {
        pool.map(Faults::spin, times(20, 20));
        Plan plan = pool.plan();
        assertThat(plan.tasksMeasured()).isEqualTo(20);
        assertThat(plan.meanWall().toMillis()).isBetween(15L, 2_000L);
        assertThat(plan.cpuShare()).isGreaterThan(0.5);
        assertThat(plan.explanation()).contains("computing work");
      }
    });
  }

  @Test
  void sleepingTasksOnVirtualThreadsAreMeasuredAsWaiting() {
    try (Pool pool = Pool.virtualThreads().maxConcurrency(100).build()) {
      pool.map(Tasks::sleepMillis, times(200, 50));
      Plan plan = pool.plan();
      assertThat(plan.backend()).isEqualTo(BackendKind.VIRTUAL_THREADS);
      assertThat(plan.tasksMeasured()).isBetween(64L, 200L); // the first 64, then a random sample
      assertThat(plan.meanWall().toMillis()).isGreaterThanOrEqualTo(50);
      assertThat(plan.cpuShare()).isLessThan(0.3);
      assertThat(plan.explanation()).contains("mostly waiting").contains("Little's law");
    }
  }

  static Integer plusOne(Integer x) {
    return x + 1;
  }

  @Test
  void tinyTasksOnWorkerProcessesAreNotMistakenForWaiting() {
    try (Pool pool = Pool.processes().workers(2).build()) {
      List<Integer> out = pool.map(PlanTest::plusOne, java.util.stream.IntStream.range(0, 100_000).boxed().toList());
      Plan plan = pool.plan();
      assertThat(out.get(99_999)).isEqualTo(100_000);
      assertThat(plan.meanWall()).as(plan.toString()).isLessThan(Duration.ofMillis(1));
      // Encoding and sending results between tasks is the pool's overhead, and so is any time off the CPU
      // of a task that takes microseconds: not waiting, whatever the machine's load does to the share.
      assertThat(plan.explanation()).as(plan.toString()).doesNotContain("waiting").contains("tiny tasks, which do not wait")
          .contains("computing work");
    }
  }

  @Test
  void workerProcessesReportTheirTasksCpuTime() throws Exception {
    OnSharedCores.retry(() -> {
      try (Pool pool = Pool.processes().workers(1).build()) { // one: see the CPU-bound thread test
        List<Outcome<Long>> out = pool.mapOutcomes(Faults::spin, times(6, 30));
        assertThat(out).allMatch(Outcome::isSuccess);
        pool.submit(Tasks::failOn13, 13).outcome();
        Plan plan = pool.plan();
        assertThat(plan.backend()).isEqualTo(BackendKind.WORKER_PROCESSES);
        assertThat(plan.tasksMeasured()).isGreaterThanOrEqualTo(6);
        assertThat(plan.cpuShare()).isGreaterThan(0.5);
        assertThat(plan.failures()).as(plan.toString()).isEqualTo(1);
        assertThat(plan.toString()).contains("worker processes x 1");
      }
    });
  }
}
