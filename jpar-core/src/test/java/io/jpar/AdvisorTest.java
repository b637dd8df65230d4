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
}
