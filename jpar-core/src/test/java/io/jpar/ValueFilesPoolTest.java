package io.jpar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jpar.internal.process.wire.SharedFiles;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * With {@code ProcessPoolBuilder.valueFileThreshold}, big {@code byte[]} and strings cross between the
 * caller and its workers through files in shared memory, transparently: values arrive equal both
 * ways, and no file is left behind — after each map, after a worker dies holding files it had not
 * read or had written for the caller, after terminate, and after the caller is killed with {@code kill
 * -9}. Files are told apart by their owner's pid in their names, so other JVMs' files do not count.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ValueFilesPoolTest {
  private static final int BIG = 3 << 20;
  private static final Task<byte[], byte[]> REVERSED = b -> {
    byte[] r = new byte[b.length];
    for (int i = 0; i < b.length; i++) {
      r[i] = b[b.length - 1 - i];
    }
    return r;
  };

  @Test
  void bigValuesCrossBothWaysThroughFilesOrThePipeAndArriveEqualWithNoFileLeft() throws Exception {
    List<byte[]> inputs = List.of(random(BIG, 1), random(100, 2), random(BIG + 1, 3), random(1 << 20, 4));
    for (int threshold : new int[] {1 << 20, 0}) {
      List<Long> pids = new ArrayList<>();
      try (Pool pool = Pool.processes().workers(2).valueFileThreshold(threshold).build()) {
        pids.addAll(workerPids(pool));
        List<byte[]> out = pool.map(REVERSED, inputs);
        for (int i = 0; i < inputs.size(); i++) {
          assertThat(out.get(i)).as("value %d, threshold %d", i, threshold).isEqualTo(REVERSED.apply(inputs.get(i)));
        }
        String big = "ü".repeat(BIG);
        Task<String, String> upper = String::toUpperCase;
        assertThat(pool.map(upper, List.of(big, "small"))).containsExactly(big.toUpperCase(), "SMALL");
        assertThat(filesOf(pids)).as("files after the maps, threshold %d", threshold).isEmpty();
      }
      assertThat(filesOf(pids)).isEmpty();
    }
  }

  @Test
  void aBigInputForAFrozenWorkerWaitsInAFileThatIsDeletedWhenTheWorkerIsKilled() throws Exception {
    try (Pool pool = Pool.processes().workers(1).valueFileThreshold(1 << 20).heartbeatTimeout(Duration.ofSeconds(1)).build()) {
      long worker = workerPids(pool).get(0);
      signal("STOP", worker);
      try {
        TaskFuture<Integer> length = pool.submit(b -> b.length, random(BIG, 5));
        List<Long> owners = List.of(ProcessHandle.current().pid(), worker);
        await(() -> !filesOfUnchecked(owners).isEmpty(), "the input's file");
        assertThatThrownBy(() -> length.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
            .hasCauseInstanceOf(WorkerCrashedException.class);
        assertThat(filesOf(owners)).as("files after the frozen worker was killed").isEmpty();
        assertThat(pool.submit(b -> b.length, random(BIG, 6)).get(30, TimeUnit.SECONDS)).isEqualTo(BIG);
      } finally {
        signal("CONT", worker);
      }
    }
  }

  @Test
  void terminateDeletesTheFilesOfInputsAWorkerHadNotRead() throws Exception {
    Pool pool = Pool.processes().workers(1).valueFileThreshold(1 << 20).build();
    long worker = workerPids(pool).get(0);
    List<Long> owners = List.of(ProcessHandle.current().pid(), worker);
    try {
      signal("STOP", worker);
      pool.submit(b -> b.length, random(BIG, 7));
      await(() -> !filesOfUnchecked(owners).isEmpty(), "the input's file");
    } finally {
      pool.terminate();
      signal("CONT", worker);
    }
    assertThat(filesOf(owners)).as("files after terminate").isEmpty();
  }

  @Test
  void aWorkerThatDiesWithAResultsFileNotYetReadLeavesNoFile() throws Exception {
    try (Pool pool = Pool.processes().workers(1).valueFileThreshold(1 << 20).build()) {
      long worker = workerPids(pool).get(0);
      // The state of a worker killed between writing a big result's file and the caller reading it.
      Task<Integer, Integer> writeThenDie = i -> {
        Path dir = SharedFiles.directoryFor(0);
        Files.write(dir.resolve(SharedFiles.prefixOf(SharedFiles.ownerTag(ProcessHandle.current())) + UUID.randomUUID()),
            new byte[BIG]);
        Runtime.getRuntime().halt(1);
        return i;
      };
      assertThatThrownBy(() -> pool.submit(writeThenDie, 1).get(30, TimeUnit.SECONDS))
          .hasCauseInstanceOf(WorkerCrashedException.class);
      assertThat(filesOf(List.of(worker))).as("the dead worker's files").isEmpty();
    }
  }

  @Test
  void whenTheCallerIsKilledMidTransferNoFileIsLeft() throws Exception {
    Process caller = OrphanHelper.startCaller(ValueFilesOrphanHelper.class);
    long worker = -1;
    try (BufferedReader r = new BufferedReader(new InputStreamReader(caller.getInputStream()))) {
      String ready = r.readLine();
      assertThat(ready).startsWith("READY ");
      worker = Long.parseLong(ready.substring("READY ".length()));
      List<Long> owners = List.of(caller.pid(), worker);
      assertThat(filesOf(owners)).as("the input's file, waiting for the frozen worker").hasSize(1);
      caller.destroyForcibly(); // SIGKILL: no shutdown hook runs
      caller.waitFor(10, TimeUnit.SECONDS);
      signal("CONT", worker);
      await(() -> filesOfUnchecked(owners).isEmpty(), "no file of the dead caller's");
    } finally {
      caller.destroyForcibly();
      if (worker > 0) {
        signal("CONT", worker);
        ProcessHandle.of(worker).ifPresent(ProcessHandle::destroyForcibly);
      }
    }
  }

  static List<Long> workerPids(Pool pool) {
    Task<Integer, Long> pid = i -> ProcessHandle.current().pid();
    return pool.map(pid, List.of(1, 2, 3, 4, 5, 6, 7, 8)).stream().distinct().toList();
  }

  /** The value files (or any jpar shared files) in the pool's directory owned by these pids. */
  static List<Path> filesOf(List<Long> pids) throws IOException {
    Path dir = SharedFiles.directoryFor(0);
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> pids.stream().anyMatch(p -> f.getFileName().toString().startsWith("jpar-shm-" + p + "-")))
          .toList();
    }
  }

  private static List<Path> filesOfUnchecked(List<Long> pids) {
    try {
      return filesOf(pids);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("waited 20 s for " + what);
      }
      Thread.sleep(20);
    }
  }

  static void signal(String signal, long pid) throws Exception {
    new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(10, TimeUnit.SECONDS);
  }

  private static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }
}
