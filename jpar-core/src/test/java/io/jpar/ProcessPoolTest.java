package io.jpar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Process-pool options and lifecycle, each with its own pool. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ProcessPoolTest {

  private static List<Integer> upTo(int n) {
    return IntStream.range(0, n).boxed().toList();
  }

  @Test
  void aTaskPastItsTimeoutHasItsWorkerKilledAndTheOthersFinish() {
    try (Pool pool = Pool.processes().workers(2).taskTimeout(Duration.ofMillis(500)).build()) {
      long start = System.nanoTime();
      List<Outcome<Integer>> out = pool.mapOutcomes(Faults::hangOn13, upTo(20));
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
      for (int i = 0; i < 20; i++) {
        if (i == 13) {
          assertThat(out.get(i)).isInstanceOfSatisfying(Outcome.Failure.class,
              f -> assertThat(f.error().getCause()).isInstanceOf(TaskTimeoutException.class));
        } else {
          assertThat(out.get(i)).isEqualTo(new Outcome.Success<>(i * i));
        }
      }
      assertThat(pool.map(Tasks::square, upTo(10))).hasSize(10);
    }
  }

  @Test
  void bigArraysAndBuffersCrossBothWaysIntact() {
    byte[] big = new byte[20 << 20];
    new java.util.Random(7).nextBytes(big);
    try (Pool pool = Pool.processes().workers(2).build()) {
      assertThat(pool.map(ProcessPoolTest::checksum, List.of(big, big, big))).containsOnly(checksum(big));
      assertThat(pool.map(ProcessPoolTest::reversed, List.of(big))).singleElement().satisfies(r -> {
        assertThat(r).hasSize(big.length);
        assertThat(r[0]).isEqualTo(big[big.length - 1]);
      });
      int[] ints = IntStream.range(0, 1 << 20).toArray();
      assertThat(pool.map(ProcessPoolTest::sum, List.of(ints, ints))).containsOnly(sum(ints));
      java.nio.ByteBuffer direct = java.nio.ByteBuffer.allocateDirect(1 << 20).put(0, (byte) 5);
      assertThat(pool.map(ProcessPoolTest::firstByteIfDirect, List.of(direct))).containsExactly(5);
      assertThat(pool.map(ProcessPoolTest::doubles, List.of(3))).singleElement()
          .satisfies(d -> assertThat(d).containsExactly(0.0, 0.5, 1.0));
    }
  }

  static Long checksum(byte[] b) {
    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
    crc.update(b);
    return crc.getValue();
  }

  static byte[] reversed(byte[] b) {
    byte[] r = new byte[b.length];
    for (int i = 0; i < b.length; i++) {
      r[i] = b[b.length - 1 - i];
    }
    return r;
  }

  static Long sum(int[] a) {
    long s = 0;
    for (int x : a) {
      s += x;
    }
    return s;
  }

  static Integer firstByteIfDirect(java.nio.ByteBuffer b) {
    return b.isDirect() ? (int) b.get(0) : -1;
  }

  static double[] doubles(Integer n) {
    double[] d = new double[n];
    for (int i = 0; i < n; i++) {
      d[i] = i / 2.0;
    }
    return d;
  }

  @Test
  void retriesRunACrashedTaskAgainOnAFreshWorker(@TempDir Path dir) {
    try (Pool pool = Pool.processes().workers(2).retries(1).build()) {
      assertThat(pool.submit(Faults::crashOnce, dir.resolve("marker").toString()).join()).isEqualTo("survived");
    }
  }

  @Test
  void withoutRetriesACrashIsReportedOnce(@TempDir Path dir) {
    try (Pool pool = Pool.processes().workers(1).build()) {
      TaskFailedException e = ProcessFaultTest.failureOf(pool.submit(Faults::crashOnce, dir.resolve("m").toString()));
      assertThat(e.getCause()).isInstanceOf(WorkerCrashedException.class);
    }
  }

  @Test
  void theOtherInputsOfACrashedChunkAreResentWithoutCountingAnAttempt() {
    try (Pool pool = Pool.processes().workers(1).chunkSize(10).build()) {
      List<Outcome<Integer>> out = pool.mapOutcomes(Faults::haltOn13, upTo(30));
      assertThat(out.stream().filter(o -> !o.isSuccess()).count()).isEqualTo(1);
      assertThat(out.get(13).isSuccess()).isFalse();
      assertThat(out.get(14)).isEqualTo(new Outcome.Success<>(14 * 14));
    }
  }

  @Test
  void resultsOfSlowTasksComeAsTheyFinishNotWithTheirChunk() {
    try (Pool pool = Pool.processes().workers(1).chunkSize(8).build()) {
      long start = System.nanoTime();
      Integer first = pool.imap((Integer x) -> {
        Thread.sleep(300);
        return x;
      }, upTo(8)).findFirst().orElseThrow();
      assertThat(first).isZero();
      // The chunk takes 2.4 s; its first result is sent after about 0.3 s (a worker runs inputs in
      // blocks, but stops a block early when results are due).
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(2000));
    }
  }

  @Test
  void theInitializerRunsInEachWorkerBeforeItsFirstTask() {
    try (Pool pool = Pool.processes().workers(2).initializer(Faults::initialized).build()) {
      List<String> seen = pool.map(Faults::readInitialized, upTo(20));
      assertThat(seen).allMatch(s -> s.equals("worker 1") || s.equals("worker 2"));
    }
  }

  @Test
  void aFailingInitializerStopsThePoolFromStartingWithItsError() {
    assertThatThrownBy(() -> Pool.processes().workers(2).initializer(Faults::failInit).build())
        .isInstanceOf(JparException.class)
        .hasMessageContaining("initializer failed")
        .hasMessageContaining("model file missing")
        .hasRootCauseInstanceOf(IllegalStateException.class);
  }

  @Test
  void maxTasksPerWorkerReplacesWorkersAndLosesNothing() {
    try (Pool pool = Pool.processes().workers(2).maxTasksPerWorker(3).build()) {
      List<Long> pids = pool.map(Faults::pid, upTo(30));
      assertThat(pids).hasSize(30);
      assertThat(new HashSet<>(pids).size()).isGreaterThanOrEqualTo(10);
      assertThat(pool.parallelism()).isEqualTo(2);
    }
  }

  @Test
  void cpuBoundWorkRunsOnAllWorkersAtOnce() {
    try (Pool pool = Pool.processes().workers(2).build()) {
      List<Long> pids = pool.map(Faults::pid, upTo(2)); // warm up
      long start = System.nanoTime();
      List<Long> spins = pool.map(Faults::spin, List.of(300, 300, 300, 300));
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      assertThat(spins).hasSize(4).allMatch(n -> n > 0);
      // 1.2 s of work on 2 workers: serial would be >= 1.2 s. Loose bound: no serialization.
      assertThat(took).isLessThan(Duration.ofMillis(1_150 * 5));
      assertThat(pids).isNotEmpty();
    }
  }

  @Test
  void closeStopsEveryWorkerAndTerminateKillsThem() {
    Pool pool = Pool.processes().workers(2).build();
    List<Long> pids = pool.map(Faults::pid, upTo(10));
    pool.close();
    assertThat(pids).allSatisfy(pid -> assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).isNotEqualTo(
        java.util.Optional.of(true)));
    Pool other = Pool.processes().workers(2).build();
    List<TaskFuture<Integer>> hanging = upTo(4).stream().map(i -> other.submit(Faults::hangOn13, 13)).toList();
    other.terminate();
    assertThat(hanging).allMatch(TaskFuture::isCancelled);
    assertThat(ProcessHandle.current().children().filter(ProcessHandle::isAlive).count()).isZero();
  }

  @Test
  void cancellingARunningTaskKillsItsWorkerAndThePoolGoesOn() throws Exception {
    try (Pool pool = Pool.processes().workers(1).build()) {
      TaskFuture<Integer> f = pool.submit(Faults::hangOn13, 13);
      Thread.sleep(300);
      assertThat(f.cancel(true)).isTrue();
      assertThat(pool.submit(Tasks::square, 5).get(30, TimeUnit.SECONDS)).isEqualTo(25);
    }
  }

  @Test
  void aBadWorkerHeapIsRefusedByTheBuilder() {
    assertThatThrownBy(() -> Pool.processes().workerHeap("lots"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("512m");
    assertThatThrownBy(() -> Pool.processes().jvmOptions("Xmx1g"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("starts with '-'");
  }

  @Test
  void aJvmThatCannotStartBreaksThePoolWithItsStderr() {
    assertThatThrownBy(() -> Pool.processes().workers(1).jvmOptions("-XX:+NoSuchJvmFlagAtAll").build())
        .isInstanceOf(JparException.class)
        .hasMessageContaining("could not start")
        .hasMessageContaining("NoSuchJvmFlagAtAll");
    assertThat(ProcessHandle.current().children().filter(ProcessHandle::isAlive).count()).isZero();
  }
}
