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

  @Test
  void aSpeedUpOnComputingWorkAboveTheCoreCountIsFlaggedNotShownAsAResult() {
    Measurement seq = new Measurement("one", Duration.ofSeconds(4), Duration.ofSeconds(4));
    DemoCommand.Row threads = row(new Measurement("two", Duration.ofMillis(2_100), Duration.ofSeconds(4)), seq, THREADS);
    DemoCommand.Row impossible = row(new Measurement("three", Duration.ofMillis(1_200), Duration.ofSeconds(4)), seq,
        BackendChoice.AUTO);
    assertThat(DemoCommand.lesson(threads, threads, 2)).startsWith("computing: 1.9x on 2 cores");
    assertThat(DemoCommand.lesson(impossible, threads, 2)).startsWith("MEASUREMENT PROBLEM: 3.3x on computing work")
        .contains("more than 2 cores can give");
  }

  @Test
  void aCrashedWorkersLineShowsItsLastStderrLinesAfterAnnouncingThem() {
    var crash = new io.jpar.WorkerCrashedException(42, 3, "the worker ran out of memory",
        java.util.List.of("one", "two", "Exception in thread \"main\"", "java.lang.OutOfMemoryError: Java heap space"), null);
    String line = DemoCommand.crashLine(crash);
    assertThat(line).contains("Its last stderr lines:\n      | two\n      | Exception in thread")
        .endsWith("| java.lang.OutOfMemoryError: Java heap space").doesNotContain("one");
    var silent = new io.jpar.WorkerCrashedException(42, 137, "killed", java.util.List.of(), null);
    assertThat(DemoCommand.crashLine(silent)).doesNotContain("stderr").doesNotContain("\n");
  }

  private static DemoCommand.Row row(Measurement m, Measurement baseline, BackendChoice on) {
    return new DemoCommand.Row(m, baseline, DemoCommand.Work.COMPUTE, on, 4, 8);
  }
}
