package io.jpar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Workers that stop answering: frozen mid-map (SIGSTOP), an initializer that never returns, a JVM that
 * never starts. Each is noticed within its limit and said plainly; a worker that merely computes for
 * longer than the limit is left alone. Limits are short here (1-2 s) so the tests stay quick.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ProcessLivenessTest {

  @Test
  void aWorkerStoppedMidMapIsKilledAndItsInputsReRunSoTheMapFinishes() throws Exception {
    try (Pool pool = Pool.processes().workers(2).chunkSize(1).retries(1).heartbeatTimeout(Duration.ofSeconds(1)).build()) {
      Set<Long> pids = workerPids(pool);
      long frozen = pids.iterator().next();
      List<Integer> inputs = IntStream.range(0, 40).boxed().toList();
      CompletableFuture<List<Long>> map = CompletableFuture.supplyAsync(() -> pool.map(ProcessLivenessTest::slowPid, inputs));
      Thread.sleep(300);
      signal("STOP", frozen);
      try {
        List<Long> out = map.get(60, TimeUnit.SECONDS);
        assertThat(out).hasSize(40).doesNotContainNull();
        assertThat(ProcessHandle.of(frozen).map(ProcessHandle::isAlive).orElse(false))
            .as("the stopped worker was killed").isFalse();
      } finally {
        signal("CONT", frozen);
      }
    }
  }

  @Test
  void withoutRetriesTheFrozenWorkersInputFailsSayingItStoppedResponding(@TempDir Path dir) throws Exception {
    try (Pool pool = Pool.processes().workers(1).heartbeatTimeout(Duration.ofSeconds(1)).build()) {
      Path pidFile = dir.resolve("pid");
      CompletableFuture<List<Outcome<Integer>>> map =
          CompletableFuture.supplyAsync(() -> pool.mapOutcomes(Faults::reportPidThenWait, List.of(pidFile.toString())));
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (!(Files.exists(pidFile) && Files.size(pidFile) > 0) && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      long pid = Long.parseLong(Files.readString(pidFile));
      signal("STOP", pid); // the task is running: only the heartbeat can tell the worker is frozen
      try {
        Outcome<Integer> out = map.get(60, TimeUnit.SECONDS).get(0);
        assertThat(out).isInstanceOf(Outcome.Failure.class);
        Throwable crash = ((Outcome.Failure<Integer>) out).error().getCause();
        assertThat(crash).isInstanceOf(WorkerCrashedException.class)
            .hasMessageContaining("stopped responding")
            .hasMessageContaining("SIGSTOP");
        assertThat(((WorkerCrashedException) crash).pid()).isEqualTo(pid);
      } finally {
        signal("CONT", pid);
      }
      assertThat(pool.map(Tasks::square, List.of(3))).containsExactly(9); // replaced, still working
    }
  }

  @Test
  void aTaskComputingLongerThanTheHeartbeatLimitIsNotTakenForFrozen() {
    try (Pool pool = Pool.processes().workers(1).heartbeatTimeout(Duration.ofMillis(500)).build()) {
      long pid = workerPids(pool).iterator().next();
      assertThat(pool.map(ProcessLivenessTest::busyTwoSeconds, List.of(1))).containsExactly(pid);
    }
  }

  @Test
  void anInitializerThatNeverReturnsFailsTheStartNamingItAndWhereItHung() {
    assertThatThrownBy(() -> Pool.processes().workers(1).initializer(ProcessLivenessTest::hangingInitializer)
            .initializerTimeout(Duration.ofSeconds(1)).build().close())
        .isInstanceOf(JparException.class)
        .hasMessageContaining("the initializer hung")
        .hasMessageContaining("initializerTimeout (1000 ms)")
        .hasMessageContaining("hangingInitializer")
        .hasMessageNotContaining("did not answer");
  }

  @Test
  void aJvmThatNeverStartsFailsTheStartSayingSoWithinItsLimit(@TempDir Path dir) {
    long started = System.nanoTime();
    // A HotSpot option that parks the JVM before main until a file is deleted: a start that hangs.
    assertThatThrownBy(() -> Pool.processes().workers(1).workingDirectory(dir)
            .jvmOptions("-XX:+UnlockDiagnosticVMOptions", "-XX:+PauseAtStartup")
            .startTimeout(Duration.ofSeconds(1)).build().close())
        .isInstanceOf(JparException.class)
        .hasMessageContaining("its JVM did not start")
        .hasMessageContaining("startTimeout")
        .hasMessageNotContaining("did not answer within 60000");
    assertThat(Duration.ofNanos(System.nanoTime() - started)).as("a no-hang bound, 10x loose").isLessThan(Duration.ofSeconds(45));
  }

  private static Set<Long> workerPids(Pool pool) {
    Set<Long> pids = new HashSet<>();
    int workers = pool.plan().workers();
    while (pids.size() < workers) {
      pids.addAll(pool.map(Faults::pid, IntStream.range(0, 20).boxed().toList()));
    }
    return pids;
  }

  private static void signal(String signal, long pid) throws Exception {
    // A CONT after the worker was killed finds no process; that is the expected end, not an error.
    new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(10, TimeUnit.SECONDS);
  }

  static Long slowPid(Integer x) throws InterruptedException {
    Thread.sleep(100);
    return ProcessHandle.current().pid();
  }

  static Long busyTwoSeconds(Integer x) {
    long end = System.nanoTime() + 2_000_000_000L;
    long spins = 0;
    while (System.nanoTime() < end) {
      spins++;
    }
    return spins >= 0 ? ProcessHandle.current().pid() : -1;
  }

  static Integer hangingInitializer(Integer worker) throws InterruptedException {
    Thread.sleep(600_000);
    return worker;
  }
}
