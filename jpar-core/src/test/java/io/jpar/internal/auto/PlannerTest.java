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
  void waitingWorkOnPlatformThreadsMovesToVirtualThreadsAtLittlesLawButAtMostSixteenPerCore() {
    Planner p = new Planner(2, 1_000, 8, false);
    Planner.Decision d = p.next(p.first(), span(100, 20 * MS, 0.01, 0.01));
    // Little's law says 1.5 x 2 cores / 0.01 = 300; a service may not take 300 at once: start at 32.
    assertThat(d.choice()).isEqualTo(new Choice(BackendKind.VIRTUAL_THREADS, 32));
    assertThat(d.reason()).contains("waiting work").contains("Little's law says 300");
    Planner q = new Planner(2, 1_000, 8, false);
    assertThat(q.next(q.first(), span(100, 20 * MS, 0.2, 0.2)).choice())
        .isEqualTo(new Choice(BackendKind.VIRTUAL_THREADS, 15)); // 1.5 x 2 / 0.2
  }

  @Test
  void computingWorkThatAlsoWaitsGetsCoresTimesWallOverCpuPlatformThreads() {
    Planner p = new Planner(2, 1_000, 8, false);
    // 3 ms of CPU + 1 ms of waiting: 2 / 0.75 = 2.67 threads keep both cores busy on average; with
    // Little's law's headroom, 1.5 x 2.67 = 4.
    Planner.Decision d = p.next(p.first(), span(500, 4 * MS, 0.75, 0.75));
    assertThat(d.choice()).isEqualTo(new Choice(BackendKind.PLATFORM_THREADS, 4));
    assertThat(d.reason()).contains("mixed work").contains("1.5 x 2 / 0.75 = 4.00");
    // Judged once, from one thread per core: on 3 threads a task's wall time includes waiting for a core.
    assertThat(p.next(d.choice(), span(700, 4 * MS, 0.6, 0.99)).reason()).isNull();
    // Nearly all computing: one thread per core; and never past maxConcurrency.
    assertThat(p.next(p.first(), span(500, 4 * MS, 0.9, 0.95)).reason()).isNull();
    // The machine's cores are busy already (other processes): more threads would only take turns.
    Figures busyMachine = new Figures(100 * MS, 50, 50, 4 * MS, 0.75, 0.75, 3 * MS, Double.NaN, 0.97);
    assertThat(p.next(p.first(), busyMachine).reason()).isNull();
    // With every task's wait for a core taken out, only what other processes use counts: this pool at
    // 80% and a tenth of the machine busy elsewhere leaves gaps to fill; others holding a core do not.
    Figures ownGaps = new Figures(100 * MS, 50, 50, 4 * MS, 0.79, 0.80, 3 * MS, Double.NaN, 0.92, true);
    assertThat(new Planner(2, 1_000, 8, false).next(p.first(), ownGaps).choice())
        .isEqualTo(new Choice(BackendKind.PLATFORM_THREADS, 4)); // 1.5 x 2 / 0.79 = 3.8, rounded up
    Figures othersHoldACore = new Figures(100 * MS, 50, 50, 4 * MS, 0.79, 0.45, 3 * MS, Double.NaN, 0.99, true);
    assertThat(new Planner(2, 1_000, 8, false).next(p.first(), othersHoldACore).reason()).isNull();
    Planner capped = new Planner(2, 2, 8, false);
    assertThat(capped.next(capped.first(), span(500, 4 * MS, 0.55, 0.6)).reason()).isNull();
  }

  @Test
  void onABusyMachineOnlyAClearlyLowShareCountsAsWaiting() {
    Planner p = new Planner(2, 1_000, 8, false);
    // 40% on the CPU while every core of the machine is busy: computing threads waiting for a core.
    Figures stolen = new Figures(100 * MS, 20, 20, 8 * MS, 0.4, 0.4, 3 * MS, Double.NaN, 0.99);
    assertThat(p.next(p.first(), stolen).reason()).isNull();
    // The same 40% with every task's wait for a core taken out (Linux schedstat): the tasks wait on their own.
    Figures exact = new Figures(100 * MS, 20, 20, 8 * MS, 0.4, 0.4, 3 * MS, Double.NaN, 0.99, true);
    assertThat(new Planner(2, 1_000, 8, false).next(p.first(), exact).choice().kind())
        .isEqualTo(BackendKind.VIRTUAL_THREADS);
    // 5% on the CPU is waiting however busy the machine is; 40% on an idle machine too.
    Figures waiting = new Figures(100 * MS, 20, 20, 8 * MS, 0.05, 0.05, 400_000, Double.NaN, 0.99);
    assertThat(p.next(p.first(), waiting).choice().kind()).isEqualTo(BackendKind.VIRTUAL_THREADS);
    // Nothing finished yet and the process uses a tenth of the cores: on a busy machine that may be
    // computing threads short of a core; the tasks' own clocks will tell.
    Figures nothingYet = new Figures(1_000 * MS, 0, 0, -1, Double.NaN, 0.1, -1, Double.NaN, 0.99);
    assertThat(p.next(p.first(), nothingYet).reason()).isNull();
    Figures nothingYetIdle = new Figures(1_000 * MS, 0, 0, -1, Double.NaN, 0.1, -1, Double.NaN, 0.3);
    assertThat(new Planner(2, 1_000, 8, false).next(p.first(), nothingYetIdle).choice().kind())
        .isEqualTo(BackendKind.VIRTUAL_THREADS);
    Figures idleMachine = new Figures(100 * MS, 20, 20, 8 * MS, 0.4, 0.4, 3 * MS, Double.NaN, 0.45);
    assertThat(new Planner(2, 1_000, 8, false).next(p.first(), idleMachine).choice().kind())
        .isEqualTo(BackendKind.VIRTUAL_THREADS);
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
  void concurrencyGrowsWhileThroughputRisesAndARaiseThatDidNotPayIsTakenBack() {
    Planner p = new Planner(2, 100_000, 8, false);
    Choice c = p.next(p.first(), span(100, 20 * MS, 0.001, 0.01)).choice();
    assertThat(c.concurrency()).isEqualTo(32);
    // 32 at once gave 16x the throughput at the same latency: grow fourfold.
    Planner.Decision d = p.next(c, span(1_600, 20 * MS, 0.001, 0.1));
    assertThat(d.choice().concurrency()).isEqualTo(128);
    assertThat(d.reason()).contains("throughput rose");
    // 128 gave hardly more, each call four times as long: back to 32, and hold there.
    Planner.Decision back = p.next(d.choice(), span(1_650, 80 * MS, 0.001, 0.1));
    assertThat(back.choice().concurrency()).isEqualTo(32);
    assertThat(back.reason()).contains("back to 32").contains("1650 tasks/s against 1600");
    assertThat(p.next(back.choice(), span(1_600, 20 * MS, 0.001, 0.1)).reason()).isNull();
    assertThat(p.next(back.choice(), span(1_600, 20 * MS, 0.08, 0.1)).reason()).isNull(); // noise, not new work
    // x4 was a long step: the level between is probed two spans later.
    Planner.Decision search = p.next(back.choice(), span(1_600, 20 * MS, 0.003, 0.1));
    assertThat(search.choice().concurrency()).isEqualTo(64);
    assertThat(search.reason()).contains("probing after 2 spans");
    // The work changed (30% on the CPU now): the latencies learned are forgotten, it probes up at once.
    assertThat(p.next(search.choice(), span(3_200, 20 * MS, 0.3, 0.5)).choice().concurrency()).isEqualTo(256);
  }

  @Test
  void aServicePastItsKneeMakesThePoolBackOff() {
    Planner p = new Planner(2, 2_000, 8, false);
    Choice c = p.next(p.first(), span(100, 20 * MS, 0.001, 0.01)).choice(); // 32
    c = p.next(c, span(1_600, 20 * MS, 0.001, 0.05)).choice(); // 128
    // Paid less than in proportion at 1.5x the latency: the service holds about 3,000/s x 20 ms = 60
    // calls unqueued, and 128 is past twice that: no further.
    assertThat(p.next(c, span(3_000, 30 * MS, 0.001, 0.05)).reason()).isNull();
    // Past the knee: each call takes 3.2x the minimum, throughput fell: back off by 1.5 / 3.2, halving at most.
    Planner.Decision queueing = p.next(c, span(2_000, 64 * MS, 0.001, 0.05));
    assertThat(queueing.choice().concurrency()).isEqualTo(64);
    assertThat(queueing.reason()).contains("back off to 64").contains("calls queue");
    assertThat(p.next(queueing.choice(), span(1_000, 200 * MS, 0.001, 0.05)).reason()).isNull(); // draining
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
    assertThat(p.ready(p.first(), nothingEndedYet)).isTrue(); // the JIT kept the process busy, the pool's threads were not
    assertThat(p.next(p.first(), nothingEndedYet).choice()).isEqualTo(new Choice(BackendKind.VIRTUAL_THREADS, 32));
    Figures computing = new Figures(100 * MS, 0, 0, -1, Double.NaN, 0.9, -1, 0.95);
    assertThat(p.ready(p.first(), computing)).isFalse(); // computing: wait for tasks to end and be measured
  }

  @Test
  void aSpanIsJudgedAfterATaskLengthOrThreeWhenARaiseIsJudgedUnlessItPlainlyPaidOrASecond() {
    Planner p = new Planner(2, 1_000, 8, false);
    assertThat(p.ready(p.first(), new Figures(40 * MS, 10, 10, 30 * MS, 0.1, 0.1, 3 * MS, Double.NaN))).isFalse();
    assertThat(p.ready(p.first(), new Figures(60 * MS, 10, 10, 30 * MS, 0.1, 0.1, 3 * MS, Double.NaN))).isTrue();
    p.next(p.first(), span(200, 30 * MS, 0.01, 0.03)); // to virtual threads: the next span judges that raise
    assertThat(p.ready(p.first(), new Figures(60 * MS, 10, 10, 30 * MS, 0.01, 0.1, 3 * MS, Double.NaN))).isFalse(); // 167/s
    assertThat(p.ready(p.first(), new Figures(60 * MS, 60, 60, 30 * MS, 0.01, 0.1, 3 * MS, Double.NaN))).isTrue(); // 1,000/s
    assertThat(p.ready(p.first(), new Figures(110 * MS, 10, 10, 30 * MS, 0.01, 0.1, 3 * MS, Double.NaN))).isTrue();
    assertThat(p.ready(p.first(), new Figures(1_000 * MS, 0, 0, -1, Double.NaN, 0.0, -1, Double.NaN))).isTrue();
  }

  @Test
  void aRaiseThatPlainlyDidNotPayIsJudgedAfterOneTaskLengthNotThree() {
    Planner p = new Planner(2, 10_000, 8, false);
    Choice c = p.next(p.first(), span(100, 20 * MS, 0.001, 0.01)).choice();
    c = p.next(c, span(1_600, 20 * MS, 0.001, 0.1)).choice();
    assertThat(c.concurrency()).isEqualTo(128);
    // 32 calls 1.5x as long at 128 at once would still pay (4,000/s by Little's law against 1,600): wait
    // the three task lengths a raise needs to be judged.
    assertThat(p.ready(c, new Figures(90 * MS, 20, 20, 32 * MS, 0.001, 0.1, 32_000, Double.NaN))).isFalse();
    // Each call four times as long: 128 / 80 ms = 1,600/s, no more than 32 gave. Judged after a length.
    Figures overloaded = new Figures(90 * MS, 20, 20, 80 * MS, 0.001, 0.1, 80_000, Double.NaN);
    assertThat(p.ready(c, overloaded)).isTrue();
    Planner.Decision back = p.next(c, overloaded);
    assertThat(back.choice().concurrency()).isEqualTo(32);
    assertThat(back.reason()).contains("back to 32").contains("less than 10% more");
  }

  @Test
  void aPlainVerdictNeedsHalfTheUsualSpanButARaiseThatSeemsToPayTheFullSpan() {
    Planner p = new Planner(2, 10_000, 8, false);
    // Platform threads seen waiting: 25 ms is enough (not 50).
    Figures waiting = new Figures(30 * MS, 0, 0, -1, Double.NaN, 0.05, -1, 0.01);
    assertThat(p.ready(p.first(), new Figures(20 * MS, 0, 0, -1, Double.NaN, 0.05, -1, 0.01))).isFalse();
    assertThat(p.ready(p.first(), waiting)).isTrue();
    Choice c = p.next(p.first(), waiting).choice();
    assertThat(c.kind()).isEqualTo(BackendKind.VIRTUAL_THREADS);
    // The raise to 32 seems to pay: 40 calls of 20 ms ended in 30 ms, against none on the platform
    // threads. Not judged before 50 ms: early on, the calls that end are mostly those sent before a raise.
    assertThat(p.ready(c, new Figures(30 * MS, 40, 40, 20 * MS, 0.001, 0.05, 20_000, Double.NaN))).isFalse();
    assertThat(p.ready(c, new Figures(50 * MS, 40, 40, 20 * MS, 0.001, 0.05, 20_000, Double.NaN))).isTrue();
    c = p.next(c, new Figures(50 * MS, 64, 64, 20 * MS, 0.001, 0.05, 20_000, Double.NaN)).choice();
    assertThat(c.concurrency()).isEqualTo(128);
    // 128 at once at 80 ms each plainly did not pay (1,600/s by Little's law against 32's 1,600): judged
    // once a task length has passed (85 ms), not before (30 ms).
    Figures slow = new Figures(85 * MS, 20, 20, 80 * MS, 0.001, 0.05, 80_000, Double.NaN);
    assertThat(p.ready(c, new Figures(30 * MS, 20, 20, 80 * MS, 0.001, 0.05, 80_000, Double.NaN))).isFalse();
    assertThat(p.ready(c, slow)).isTrue();
  }
}
