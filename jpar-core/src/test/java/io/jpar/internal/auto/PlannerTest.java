package io.jpar.internal.auto;

import static org.assertj.core.api.Assertions.assertThat;

import io.jpar.internal.auto.Planner.Choice;
import io.jpar.internal.auto.Planner.Figures;
import io.jpar.BackendKind;
import org.junit.jupiter.api.Test;

/** The auto pool's rules, fed with figures instead of timing real work. */
class PlannerTest {
  private static final long MS = 1_000_000;

  /** A 100 ms span of tasks of the given wall time and CPU share, at the given throughput. */
  private static Figures span(double tasksPerSecond, long wallNanos, double share, double utilisation) {
    long completed = Math.round(tasksPerSecond / 10);
    return new Figures(100 * MS, completed, completed, wallNanos, share, utilisation, Math.round(wallNanos * share), Double.NaN);
  }

  @Test
  void waitingWorkOnPlatformThreadsMovesToVirtualThreadsSizedByLittlesLaw() {
    Planner p = new Planner(2, 1_000, 8, false);
    Planner.Decision d = p.next(p.first(), span(100, 20 * MS, 0.01, 0.01));
    assertThat(d.choice()).isEqualTo(new Choice(BackendKind.VIRTUAL_THREADS, 300)); // 1.5 x 2 cores / 0.01
    assertThat(d.reason()).contains("waiting work").contains("Little's law");
  }

  @Test
  void computingWorkStaysOnOneThreadPerCore() {
    Planner p = new Planner(4, 1_000, 8, false);
    assertThat(p.first()).isEqualTo(new Choice(BackendKind.PLATFORM_THREADS, 4));
    Planner.Decision d = p.next(p.first(), span(400, 10 * MS, 0.95, 0.97));
    assertThat(d.choice()).isEqualTo(p.first());
    assertThat(d.reason()).isNull();
  }

  @Test
  void concurrencyIsRaisedWhileThroughputRisesAndTakenBackWhenARaiseDoesNotPay() {
    Planner p = new Planner(2, 100_000, 8, false);
    Choice c = new Choice(BackendKind.VIRTUAL_THREADS, 1_000);
    // Little's law with headroom says 1.5 x 2 / 0.001 = 3,000.
    c = p.next(c, span(10_000, 100 * MS, 0.001, 0.3)).choice();
    assertThat(c.concurrency()).isEqualTo(3_000);
    // Throughput rose by half: raise again (doubled).
    c = p.next(c, span(15_000, 100 * MS, 0.001, 0.5)).choice();
    assertThat(c.concurrency()).isEqualTo(6_000);
    // It did not rise by 10%: go back, and do not try again while the work stays the same.
    Planner.Decision back = p.next(c, span(15_500, 100 * MS, 0.001, 0.5));
    assertThat(back.choice().concurrency()).isEqualTo(3_000);
    assertThat(back.reason()).contains("back to 3000");
    assertThat(p.next(back.choice(), span(15_400, 100 * MS, 0.001, 0.5)).reason()).isNull();
    assertThat(p.next(back.choice(), span(15_400, 100 * MS, 0.003, 0.5)).reason()).isNull(); // noise
    // The work changed (30% on the CPU now, cores half idle): what was learned is forgotten, it climbs again.
    assertThat(p.next(back.choice(), span(15_400, 100 * MS, 0.3, 0.5)).choice().concurrency()).isEqualTo(6_000);
  }

  @Test
  void concurrencyIsNotRaisedPastMaxConcurrencyOrWhenTheCoresAreBusy() {
    Planner p = new Planner(2, 500, 8, false);
    Choice c = new Choice(BackendKind.VIRTUAL_THREADS, 500);
    assertThat(p.next(c, span(5_000, 100 * MS, 0.001, 0.2)).choice()).isEqualTo(c);
    Choice busy = new Choice(BackendKind.VIRTUAL_THREADS, 10);
    assertThat(p.next(busy, span(5_000, 4 * MS, 0.5, 0.95)).choice()).isEqualTo(busy);
  }

  @Test
  void workThatTurnsToComputingGoesBackToPlatformThreads() {
    Planner p = new Planner(2, 1_000, 8, false);
    Planner.Decision d = p.next(new Choice(BackendKind.VIRTUAL_THREADS, 1_000), span(900, 2 * MS, 0.9, 0.98));
    assertThat(d.choice()).isEqualTo(new Choice(BackendKind.PLATFORM_THREADS, 2));
    assertThat(d.reason()).contains("computing work");
  }

  @Test
  void withoutACpuClockTheShareComesFromProcessCpuPerTask() {
    Planner p = new Planner(2, 1_000, 8, false);
    Figures f = new Figures(100 * MS, 100, 100, 20 * MS, Double.NaN, 0.05, MS, Double.NaN);
    assertThat(p.share(new Choice(BackendKind.VIRTUAL_THREADS, 100), f)).isEqualTo(0.05);
    Figures nothingFinished = new Figures(100 * MS, 0, 0, -1, Double.NaN, 0.9, -1, Double.NaN);
    assertThat(p.share(new Choice(BackendKind.PLATFORM_THREADS, 2), nothingFinished)).isEqualTo(0.9);
  }

  @Test
  void isolatedWaitingWorkGetsMoreWorkersWithinTheLimit() {
    Planner p = new Planner(2, 1_000, 6, true);
    assertThat(p.first()).isEqualTo(new Choice(BackendKind.WORKER_PROCESSES, 2));
    Planner.Decision d = p.next(p.first(), span(100, 20 * MS, 0.02, 0.02));
    assertThat(d.choice()).isEqualTo(new Choice(BackendKind.WORKER_PROCESSES, 6));
    assertThat(p.next(p.first(), span(100, 20 * MS, 0.9, 0.9)).choice()).isEqualTo(p.first());
  }

  @Test
  void platformThreadsThatMostlyWaitAreSeenBeforeAnyTaskEnds() {
    Planner p = new Planner(2, 2_000, 8, false);
    Figures nothingEndedYet = new Figures(100 * MS, 0, 0, -1, Double.NaN, 0.4, -1, 0.002);
    assertThat(p.ready(nothingEndedYet)).isTrue(); // the JIT kept the process busy, the pool's threads were not
    assertThat(p.next(p.first(), nothingEndedYet).choice()).isEqualTo(new Choice(BackendKind.VIRTUAL_THREADS, 1_500));
    Figures computing = new Figures(100 * MS, 0, 0, -1, Double.NaN, 0.9, -1, 0.95);
    assertThat(p.ready(computing)).isFalse(); // computing: wait for tasks to end and be measured
  }

  @Test
  void aSpanIsJudgedAfterATaskLengthOrThreeWhenARaiseIsJudgedOrASecond() {
    Planner p = new Planner(2, 1_000, 8, false);
    assertThat(p.ready(new Figures(40 * MS, 10, 10, 30 * MS, 0.1, 0.1, 3 * MS, Double.NaN))).isFalse();
    assertThat(p.ready(new Figures(60 * MS, 10, 10, 30 * MS, 0.1, 0.1, 3 * MS, Double.NaN))).isTrue();
    p.next(new Choice(BackendKind.VIRTUAL_THREADS, 10), span(100, 30 * MS, 0.1, 0.3)); // raises: the next span judges it
    assertThat(p.ready(new Figures(60 * MS, 10, 10, 30 * MS, 0.1, 0.1, 3 * MS, Double.NaN))).isFalse();
    assertThat(p.ready(new Figures(110 * MS, 10, 10, 30 * MS, 0.1, 0.1, 3 * MS, Double.NaN))).isTrue();
    assertThat(p.ready(new Figures(1_000 * MS, 0, 0, -1, Double.NaN, 0.0, -1, Double.NaN))).isTrue();
  }
}
