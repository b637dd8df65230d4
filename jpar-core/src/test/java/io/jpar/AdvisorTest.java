package io.jpar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The advisor's sweep: every configuration is measured, and the verdict follows the figures. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AdvisorTest {
  private static final int CORES = Runtime.getRuntime().availableProcessors();

  private static List<Integer> times(int n, int value) {
    return IntStream.range(0, n).map(i -> value).boxed().toList();
  }

  @Test
  void waitingWorkIsBestOnManyVirtualThreads() {
    Advice advice = Advisor.create().measure(Tasks::sleepMillis, times(64, 20));
    assertThat(advice.best().backend()).as(advice.toString()).isEqualTo(BackendKind.VIRTUAL_THREADS);
    assertThat(advice.best().workers()).as(advice.toString()).isGreaterThanOrEqualTo(32);
    assertThat(advice.trials()).extracting(Advice.Trial::backend)
        .contains(BackendKind.PLATFORM_THREADS, BackendKind.VIRTUAL_THREADS, BackendKind.WORKER_PROCESSES);
    assertThat(advice.explanation()).contains("waiting work");
    // The one-thread trial ran 64 x 20 ms one after the other.
    Advice.Trial single = advice.trials().get(0);
    assertThat(single.workers()).isEqualTo(1);
    assertThat(single.complete()).isTrue();
    assertThat(single.elapsed()).isGreaterThanOrEqualTo(Duration.ofMillis(64 * 20));
    assertThat(advice.curves().keySet()).containsExactly(BackendKind.PLATFORM_THREADS, BackendKind.VIRTUAL_THREADS, BackendKind.WORKER_PROCESSES);
  }

  @Test
  void computingWorkIsBestOnOneThreadPerCore() throws Exception {
    OnSharedCores.retry(() -> {
      Advice advice = Advisor.builder().processes(false).build().measure(Tasks::burn, times(48, 10));
      assertThat(advice.best().workers()).as(advice.toString()).isEqualTo(CORES);
      assertThat(advice.best().backend()).isEqualTo(BackendKind.PLATFORM_THREADS);
      assertThat(advice.explanation()).contains("computing work");
      assertThat(advice.trials()).noneMatch(t -> t.backend() == BackendKind.WORKER_PROCESSES);
    });
  }

  @Test
  void aHopelessTrialIsStoppedEarlyAndMarked() {
    Advice advice = Advisor.builder().processes(false).trialLimit(Duration.ofMillis(300)).build()
        .measure(Tasks::sleepMillis, times(200, 20));
    Advice.Trial single = advice.trials().get(0);
    assertThat(single.complete()).isFalse();
    assertThat(single.completed()).isBetween(1, 199);
    assertThat(advice.toString()).contains("*").contains("stopped early");
  }

  @Test
  void anEmptySampleIsRefusedByName() {
    assertThatThrownBy(() -> Advisor.create().measure(Tasks::square, List.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sample is empty");
  }

  @Test
  void adviceFromOutsideTrialsPicksTheFewestWorkersWithinTenPercent() {
    Duration s = Duration.ofSeconds(1);
    Advice advice = Advice.of(List.of(
        new Advice.Trial(BackendKind.PLATFORM_THREADS, 2, 100, 100, s, 1.9, 0),
        new Advice.Trial(BackendKind.VIRTUAL_THREADS, 64, 103, 103, s, 1.9, 0),
        new Advice.Trial(BackendKind.WORKER_PROCESSES, 2, 50, 50, s, 1.9, 0)));
    assertThat(advice.best().backend()).isEqualTo(BackendKind.PLATFORM_THREADS);
    assertThat(advice.toString()).contains("<- best");
  }

  @Test
  void aTieWithinTheNoiseGoesToTheMachineryTheVerdictNames() {
    Duration s = Duration.ofSeconds(1);
    // One at a time a task is 98% on the CPU: computing work. Virtual threads x 2 and platform threads x
    // 4 are within 10%: the fewest workers alone would pick virtual threads, against the verdict.
    Advice advice = Advice.of(List.of(
        new Advice.Trial(BackendKind.PLATFORM_THREADS, 1, 100, 100, s, 0.98, 0),
        new Advice.Trial(BackendKind.VIRTUAL_THREADS, 2, 200, 200, s, 1.9, 0),
        new Advice.Trial(BackendKind.PLATFORM_THREADS, 4, 190, 190, s, 1.9, 0)));
    assertThat(advice.best()).as(advice.toString()).isEqualTo(advice.trials().get(2));
    assertThat(advice.explanation()).contains("computing work");
    // Waiting work (5% on the CPU): the same figures go to virtual threads.
    Advice waiting = Advice.of(List.of(
        new Advice.Trial(BackendKind.PLATFORM_THREADS, 1, 100, 100, s, 0.05, 0),
        new Advice.Trial(BackendKind.PLATFORM_THREADS, 4, 200, 200, s, 0.2, 0),
        new Advice.Trial(BackendKind.VIRTUAL_THREADS, 8, 190, 190, s, 0.2, 0)));
    assertThat(waiting.best().backend()).isEqualTo(BackendKind.VIRTUAL_THREADS);
  }

  @Test
  void aSpeedUpOnComputingWorkAboveTheCoreCountIsFlaggedNotShown() {
    Duration s = Duration.ofSeconds(1);
    int impossible = (int) Math.round(100 * 2.25 * CORES);
    Advice advice = Advice.of(List.of(
        new Advice.Trial(BackendKind.PLATFORM_THREADS, 1, 100, 100, s, 0.98, 0),
        new Advice.Trial(BackendKind.PLATFORM_THREADS, CORES, impossible, impossible, s, CORES, 0)));
    assertThat(advice.explanation()).contains("MEASUREMENT PROBLEM").contains("more than " + CORES + " cores can give")
        .doesNotContain("(" + String.format(java.util.Locale.ROOT, "%.1f", 2.25 * CORES) + "x");
    Advice believable = Advice.of(List.of(
        new Advice.Trial(BackendKind.PLATFORM_THREADS, 1, 100, 100, s, 0.98, 0),
        new Advice.Trial(BackendKind.PLATFORM_THREADS, CORES, 95 * CORES, 95 * CORES, s, CORES, 0)));
    assertThat(believable.explanation()).doesNotContain("MEASUREMENT PROBLEM").contains("x platform threads x 1)");
  }

  @Test
  void contendersAreRepeatedUntilTheirSpreadsSeparate() {
    Duration s = Duration.ofSeconds(1);
    Advice.Trial a1 = new Advice.Trial(BackendKind.PLATFORM_THREADS, 2, 100, 100, s, 1, 0);
    Advice.Trial a2 = new Advice.Trial(BackendKind.PLATFORM_THREADS, 2, 110, 110, s, 1, 0);
    Advice.Trial b1 = new Advice.Trial(BackendKind.VIRTUAL_THREADS, 8, 90, 90, s, 1, 0);
    Advice.Trial b2 = new Advice.Trial(BackendKind.VIRTUAL_THREADS, 8, 105, 105, s, 1, 0);
    assertThat(Advisor.separated(List.of(List.of(a1, a2), List.of(b1, b2)))).isFalse(); // 100-110 against 90-105
    Advice.Trial b3 = new Advice.Trial(BackendKind.VIRTUAL_THREADS, 8, 95, 95, s, 1, 0);
    assertThat(Advisor.separated(List.of(List.of(a1, a2), List.of(b1, b3)))).isTrue(); // 100-110 against 90-95
    assertThat(Advisor.median(List.of(a2, b1, a1))).isEqualTo(a1);
  }
}
