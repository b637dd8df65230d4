package io.jpar.internal.auto;

import static org.assertj.core.api.Assertions.assertThat;

import io.jpar.internal.auto.Planner.Choice;
import io.jpar.internal.auto.Planner.Figures;
import io.jpar.internal.auto.Planner.Kind;
import org.junit.jupiter.api.Test;

/** The auto pool's rules, fed with figures instead of timing real work. */
class PlannerTest {
  private static final long MS = 1_000_000;

  /** A 100 ms span of tasks of the given wall time and CPU share, at the given throughput. */
  private static Figures span(double tasksPerSecond, long wallNanos, double share, double utilisation) {
    long completed = Math.round(tasksPerSecond / 10);
    return new Figures(100 * MS, completed, completed, wallNanos, share, utilisation, Math.round(wallNanos * share));
  }

  @Test
  void waitingWorkOnPlatformThreadsMovesToVirtualThreadsSizedByLittlesLaw() {
    Planner p = new Planner(2, 1_000, 8, false);
    Planner.Decision d = p.next(p.first(), span(100, 20 * MS, 0.01, 0.01));
    assertThat(d.choice()).isEqualTo(new Choice(Kind.VIRTUAL, 200)); // 2 cores / 0.01
    assertThat(d.reason()).contains("waiting work").contains("Little's law");
  }

  @Test
  void computingWorkStaysOnOneThreadPerCore() {
    Planner p = new Planner(4, 1_000, 8, false);
    assertThat(p.first()).isEqualTo(new Choice(Kind.PLATFORM, 4));
    Planner.Decision d = p.next(p.first(), span(400, 10 * MS, 0.95, 0.97));
    assertThat(d.choice()).isEqualTo(p.first());
    assertThat(d.reason()).isNull();
  }

  @Test
  void concurrencyIsRaisedWhileThroughputRisesAndKeptWhenItStops() {
    Planner p = new Planner(2, 100_000, 8, false);
    Choice c = new Choice(Kind.VIRTUAL, 1_000);
    // Little's law says 2 / 0.001 = 2,000.
    c = p.next(c, span(10_000, 100 * MS, 0.001, 0.3)).choice();
    assertThat(c.concurrency()).isEqualTo(2_000);
    // Throughput doubled: raise again.
    c = p.next(c, span(20_000, 100 * MS, 0.001, 0.5)).choice();
    assertThat(c.concurrency()).isEqualTo(4_000);
    // It did not rise by 10%: stay there, and do not try again while the work stays the same.
    c = p.next(c, span(20_500, 100 * MS, 0.001, 0.5)).choice();
    assertThat(c.concurrency()).isEqualTo(4_000);
    assertThat(p.next(c, span(20_400, 100 * MS, 0.001, 0.5)).reason()).isNull();
  }

  @Test
  void concurrencyIsNotRaisedPastMaxConcurrencyOrWhenTheCoresAreBusy() {
    Planner p = new Planner(2, 500, 8, false);
    Choice c = new Choice(Kind.VIRTUAL, 500);
    assertThat(p.next(c, span(5_000, 100 * MS, 0.001, 0.2)).choice()).isEqualTo(c);
    Choice busy = new Choice(Kind.VIRTUAL, 10);
    assertThat(p.next(busy, span(5_000, 4 * MS, 0.5, 0.95)).choice()).isEqualTo(busy);
  }

  @Test
  void workThatTurnsToComputingGoesBackToPlatformThreads() {
    Planner p = new Planner(2, 1_000, 8, false);
    Planner.Decision d = p.next(new Choice(Kind.VIRTUAL, 1_000), span(900, 2 * MS, 0.9, 0.98));
    assertThat(d.choice()).isEqualTo(new Choice(Kind.PLATFORM, 2));
    assertThat(d.reason()).contains("computing work");
  }

  @Test
  void withoutACpuClockTheShareComesFromProcessCpuPerTask() {
    Planner p = new Planner(2, 1_000, 8, false);
    Figures f = new Figures(100 * MS, 100, 100, 20 * MS, Double.NaN, 0.05, MS);
    assertThat(p.share(new Choice(Kind.VIRTUAL, 100), f)).isEqualTo(0.05);
    Figures nothingFinished = new Figures(100 * MS, 0, 0, -1, Double.NaN, 0.9, -1);
    assertThat(p.share(new Choice(Kind.PLATFORM, 2), nothingFinished)).isEqualTo(0.9);
  }

  @Test
  void isolatedWaitingWorkGetsMoreWorkersWithinTheLimit() {
    Planner p = new Planner(2, 1_000, 6, true);
    assertThat(p.first()).isEqualTo(new Choice(Kind.PROCESSES, 2));
    Planner.Decision d = p.next(p.first(), span(100, 20 * MS, 0.02, 0.02));
    assertThat(d.choice()).isEqualTo(new Choice(Kind.PROCESSES, 6));
    assertThat(p.next(p.first(), span(100, 20 * MS, 0.9, 0.9)).choice()).isEqualTo(p.first());
  }

  @Test
  void aSpanIsJudgedAfterThreeTaskLengthsOrASecond() {
    Planner p = new Planner(2, 1_000, 8, false);
    assertThat(p.ready(new Figures(60 * MS, 10, 10, 30 * MS, 0.1, 0.1, 3 * MS))).isFalse();
    assertThat(p.ready(new Figures(100 * MS, 10, 10, 30 * MS, 0.1, 0.1, 3 * MS))).isTrue();
    assertThat(p.ready(new Figures(1_000 * MS, 0, 0, -1, Double.NaN, 0.0, -1))).isTrue();
  }
}
