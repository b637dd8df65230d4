package io.jpar.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.jpar.BackendKind;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@code jpar demo}'s table: names and lessons come from the backend kind, never from a label's words. */
class DemoCommandTest {
  private static final BackendChoice THREADS = BackendChoice.of(BackendKind.PLATFORM_THREADS);
  private static final BackendChoice PROCESSES = BackendChoice.of(BackendKind.WORKER_PROCESSES);

  @Test
  void aSetupIsNamedByItsKindsLabel() {
    assertThat(new DemoCommand.Setup(THREADS, 4).name()).isEqualTo("4 platform threads");
    assertThat(new DemoCommand.Setup(PROCESSES, 2).name()).isEqualTo("2 worker processes");
    assertThat(new DemoCommand.Setup(BackendChoice.of(BackendKind.VIRTUAL_THREADS), 2000).name())
        .isEqualTo("virtual threads");
    assertThat(new DemoCommand.Setup(BackendChoice.AUTO, 1000).name()).isEqualTo("Pool.auto()");
  }

  @Test
  void theLessonOfARowFollowsItsBackendNotItsLabel() {
    Measurement seq = new Measurement("one", Duration.ofSeconds(4), Duration.ofSeconds(4));
    DemoCommand.Row base = row(seq, seq, THREADS);
    DemoCommand.Row threads = row(new Measurement("two", Duration.ofSeconds(1), Duration.ofSeconds(4)), seq, THREADS);
    DemoCommand.Row procs = row(new Measurement("three", Duration.ofSeconds(2), Duration.ofSeconds(4)), seq, PROCESSES);
    DemoCommand.Row auto = row(new Measurement("four", Duration.ofSeconds(1), Duration.ofSeconds(4)), seq, BackendChoice.AUTO);
    assertThat(DemoCommand.lesson(base, threads, 4)).startsWith("baseline: one core busy");
    assertThat(DemoCommand.lesson(threads, threads, 4)).startsWith("computing: 4.0x on 4 cores");
    assertThat(DemoCommand.lesson(procs, threads, 4)).startsWith("2.0x, 50% of the threads' speed, but each file in its own heap");
    assertThat(DemoCommand.lesson(auto, threads, 4)).startsWith("4.0x, choosing by itself");
    assertThat(auto.trial()).isEmpty();
    assertThat(procs.trial()).hasValueSatisfying(t -> assertThat(t.backend()).isEqualTo(BackendKind.WORKER_PROCESSES));
  }

  private static DemoCommand.Row row(Measurement m, Measurement baseline, BackendChoice on) {
    return new DemoCommand.Row(m, baseline, DemoCommand.Work.COMPUTE, on, 4, 8);
  }
}
