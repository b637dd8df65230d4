package io.jpar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * One test per way a task can hurt its worker. They share one pool on purpose: after every fault the
 * same pool must go on working.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ProcessFaultTest {
  private static Pool pool;

  @BeforeAll
  static void startPool() {
    pool = Pool.processes().workers(2).workerHeap("64m").build();
  }

  @AfterAll
  static void stopPool() {
    pool.close();
  }

  private static List<Integer> upTo(int n) {
    return IntStream.range(0, n).boxed().toList();
  }

  private static void assertPoolStillWorks() {
    assertThat(pool.map(Tasks::square, upTo(50))).hasSize(50).endsWith(49 * 49);
  }

  @Test
  void aThrowingTaskFailsWithTheWorkerSideExceptionItsCauseAndItsStackTrace() {
    TaskFailedException e = pool.mapOutcomes(Faults::throwWithCause, List.of(7)).get(0) instanceof Outcome.Failure<Integer> f
        ? f.error() : null;
    assertThat(e).isNotNull();
    assertThat(e.getCause()).isInstanceOf(IllegalArgumentException.class).hasMessage("outer 7");
    assertThat(e.getCause().getCause()).isInstanceOf(IllegalStateException.class).hasMessage("inner 7");
    assertThat(e.getCause().getStackTrace()).anyMatch(el -> el.getMethodName().equals("throwWithCause"));
    assertPoolStillWorks();
  }

  @Test
  void systemExitFailsOnlyThatTaskWithItsExitCode() {
    List<Outcome<Integer>> out = pool.mapOutcomes(Faults::exitOn13, upTo(30));
    assertCrashedOnlyAt13(out, c -> assertThat(c.exitCode()).as(c.getMessage()).isEqualTo(3));
    assertPoolStillWorks();
  }

  @Test
  void runtimeHaltFailsOnlyThatTask() {
    List<Outcome<Integer>> out = pool.mapOutcomes(Faults::haltOn13, upTo(30));
    assertCrashedOnlyAt13(out, c -> {
      assertThat(c.exitCode()).isEqualTo(42);
      assertThat(c.getMessage()).contains("System.exit or Runtime.halt");
    });
    assertPoolStillWorks();
  }

  @Test
  void outOfMemoryKillsOnlyItsWorkerAndSaysSo() {
    TaskFailedException e = failureOf(pool.submit(Faults::exhaustHeap, 1));
    assertThat(e.getCause()).isInstanceOfSatisfying(WorkerCrashedException.class, c -> {
      assertThat(c.getMessage()).contains("ran out of memory").contains("64m");
      assertThat(c.stderrTail()).anyMatch(l -> l.contains("OutOfMemoryError"));
    });
    assertPoolStillWorks();
  }

  @Test
  void stackOverflowRetiresTheWorkerAndCarriesTheError() {
    TaskFailedException e = failureOf(pool.submit(Faults::recurseForever, 1));
    assertThat(e.getCause()).isInstanceOf(WorkerCrashedException.class)
        .hasCauseInstanceOf(StackOverflowError.class);
    assertPoolStillWorks();
  }

  @Test
  void aWorkerKilledFromOutsideIsDetectedAtOnce(@TempDir Path dir) throws Exception {
    Path pidFile = dir.resolve("pid");
    TaskFuture<Integer> f = pool.submit(Faults::reportPidThenWait, pidFile.toString());
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!(Files.exists(pidFile) && Files.size(pidFile) > 0) && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    long pid = Long.parseLong(Files.readString(pidFile));
    long killedAt = System.nanoTime();
    ProcessHandle.of(pid).orElseThrow().destroyForcibly();
    TaskFailedException e = failureOf(f);
    // "At once": no long poll. Loose bound (10x what it takes) for a shared machine.
    assertThat(Duration.ofNanos(System.nanoTime() - killedAt)).isLessThan(Duration.ofSeconds(10));
    assertThat(e.getCause()).isInstanceOfSatisfying(WorkerCrashedException.class, c -> {
      assertThat(c.pid()).isEqualTo(pid);
      assertThat(c.signal()).hasValue(9);
      assertThat(c.getMessage()).contains("SIGKILL");
    });
    assertPoolStillWorks();
  }

  @Test
  void whatATaskPrintsNeverCorruptsTheProtocol() {
    assertThat(pool.map(Faults::chatty, upTo(4))).containsExactly(1, 2, 3, 4);
  }

  @Test
  void aTaskThatCannotBeSerializedIsRefusedBeforeAnythingIsSentNamingTheClass() {
    Object notSerializable = new Object();
    Task<Integer, String> capturing = x -> notSerializable.toString();
    assertThatThrownBy(() -> pool.map(capturing, upTo(3)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("java.lang.Object")
        .hasMessageContaining("cannot be sent to a worker process");
  }

  @Test
  void anInputThatCannotBeSerializedFailsNamingTheClassAndTheOthersRun() {
    List<Object> inputs = List.of("fine", new Object(), "also fine");
    List<Outcome<String>> out = pool.mapOutcomes(Object::toString, inputs);
    assertThat(out.get(0)).isEqualTo(new Outcome.Success<>("fine"));
    assertThat(out.get(2)).isEqualTo(new Outcome.Success<>("also fine"));
    assertThat(out.get(1)).isInstanceOfSatisfying(Outcome.Failure.class,
        f -> assertThat(f.error()).hasMessageContaining("java.lang.Object").hasMessageContaining("input"));
  }

  @Test
  void aResultThatCannotBeSerializedFailsNamingItsType() {
    TaskFailedException e = failureOf(pool.submit(Faults::unsendable, 1));
    assertThat(e).hasMessageContaining("java.lang.Object").hasMessageContaining("could not be sent back");
  }

  @Test
  void noWorkerHoldsASocket() {
    List<List<String>> perTask = pool.map(Faults::sockets, upTo(8));
    assertThat(perTask).allSatisfy(s -> assertThat(s).isEmpty());
  }

  private static void assertCrashedOnlyAt13(List<Outcome<Integer>> out,
      java.util.function.Consumer<WorkerCrashedException> check) {
    assertThat(out).hasSize(30);
    for (int i = 0; i < 30; i++) {
      if (i == 13) {
        assertThat(out.get(i)).isInstanceOfSatisfying(Outcome.Failure.class,
            f -> assertThat(f.error().getCause()).isInstanceOfSatisfying(WorkerCrashedException.class, check));
      } else {
        assertThat(out.get(i)).isEqualTo(new Outcome.Success<>(i * i));
      }
    }
  }

  static TaskFailedException failureOf(TaskFuture<?> f) {
    Outcome<?> o = f.outcome();
    assertThat(o).isInstanceOf(Outcome.Failure.class);
    return ((Outcome.Failure<?>) o).error();
  }
}
