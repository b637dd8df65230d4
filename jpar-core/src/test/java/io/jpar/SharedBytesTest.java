package io.jpar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jpar.internal.process.wire.JavaSerializationCodec;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Shared bytes: written once, mapped by every worker, gone when closed or when their owner dies. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SharedBytesTest {

  @Test
  void aSharedInputCrossesToWorkersAsItsNameNotItsBytes() throws IOException {
    byte[] data = new byte[8 << 20];
    for (int i = 0; i < data.length; i += 4096) {
      data[i] = (byte) (i / 4096);
    }
    try (SharedBytes shared = SharedBytes.copyOf(data);
        Pool pool = Pool.processes().workers(2).build()) {
      ByteArrayOutputStream wire = new ByteArrayOutputStream();
      new JavaSerializationCodec().encode(shared, wire);
      assertThat(wire.size()).as("bytes on the wire for 8 MB shared").isLessThan(1024);
      Task<Integer, Byte> read = i -> shared.buffer().get(i * 4096);
      List<Byte> out = pool.map(read, IntStream.range(0, 100).boxed().toList());
      for (int i = 0; i < 100; i++) {
        assertThat(out.get(i)).isEqualTo((byte) i);
      }
      assertThat(ownFiles()).hasSize(1);
    }
    assertThat(ownFiles()).as("closed: the file is gone").isEmpty();
  }

  @Test
  void bytesSharedByAPoolAreDeletedWhenThePoolCloses() throws IOException {
    byte[] data = new byte[3 << 20];
    data[data.length - 1] = 42;
    for (Pool pool : List.of(Pool.processes().workers(2).build(), Pool.threads().workers(2).build())) {
      try (pool) {
        SharedBytes shared = pool.share(data);
        Task<Integer, Byte> last = i -> shared.buffer().get(shared.size() - i);
        assertThat(pool.map(last, List.of(1, 1, 1, 1))).containsOnly((byte) 42);
        assertThat(ownFiles()).as("%s: its shared file while it is open", pool).hasSize(1);
      }
      assertThat(ownFiles()).as("%s closed: its shared file is gone", pool).isEmpty();
    }
  }

  @Test
  void bytesSharedByAPoolAreDeletedWhenItIsTerminatedAndAClosedPoolSharesNoMore() throws IOException {
    Pool pool = Pool.processes().workers(1).build();
    pool.share(new byte[10]);
    assertThat(ownFiles()).hasSize(1);
    pool.terminate();
    assertThat(ownFiles()).as("terminated: the shared file is gone").isEmpty();
    assertThatThrownBy(() -> pool.share(new byte[1]))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("is closed");
    assertThat(ownFiles()).isEmpty();
  }

  @Test
  void freeStandingSharedBytesOutliveThePoolsThatUsedThem() throws IOException {
    try (SharedBytes shared = SharedBytes.copyOf(new byte[] {1, 2, 3})) {
      for (int round = 0; round < 2; round++) {
        try (Pool pool = Pool.processes().workers(1).build()) {
          Task<Integer, Byte> read = i -> shared.buffer().get(i);
          assertThat(pool.map(read, List.of(0, 2))).containsExactly((byte) 1, (byte) 3);
        }
        assertThat(ownFiles()).as("after pool %d closed", round + 1).hasSize(1);
      }
    }
    assertThat(ownFiles()).isEmpty();
  }

  @Test
  void bytesWrittenInPlaceAreReadOnlyAfterwardsAndEveryViewIsItsOwn() {
    try (SharedBytes shared = SharedBytes.write(1000, b -> b.put(999, (byte) 7).put(0, (byte) 1))) {
      ByteBuffer a = shared.buffer();
      ByteBuffer b = shared.buffer();
      a.position(500);
      assertThat(b.position()).isZero();
      assertThat(b.limit()).isEqualTo(1000).isEqualTo(shared.size());
      assertThat(b.get(999)).isEqualTo((byte) 7);
      assertThat(b.get(1)).isZero();
      assertThatThrownBy(() -> b.put(0, (byte) 2)).isInstanceOf(ReadOnlyBufferException.class);
    }
  }

  @Test
  void emptySharedBytesAreFine() {
    try (SharedBytes empty = SharedBytes.copyOf(new byte[0])) {
      assertThat(empty.size()).isZero();
      assertThat(empty.buffer().remaining()).isZero();
    }
  }

  @Test
  void badSizesAreRefused() {
    assertThatThrownBy(() -> SharedBytes.write(-1, b -> { }))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("size must be 0 or more, was -1");
  }

  @Test
  void aDeadOwnersFileIsSweptWhenTheNextSharedBytesAreMade() throws IOException {
    Path dir;
    try (SharedBytes first = SharedBytes.copyOf(new byte[1])) {
      dir = Path.of(first.toString().replaceAll(".* at (.*)]$", "$1")).getParent();
    }
    Path orphan = dir.resolve("jpar-shm-2147483646-0-" + "orphan");
    Files.write(orphan, new byte[10]);
    try (SharedBytes ignored = SharedBytes.copyOf(new byte[1])) {
      assertThat(orphan).doesNotExist();
    } finally {
      Files.deleteIfExists(orphan);
    }
  }

  @Test
  void whenTheCallerIsKilledItsWorkerDeletesItsSharedFiles() throws Exception {
    Process caller = OrphanHelper.startCaller(SharedBytesOrphanHelper.class);
    try (BufferedReader r = new BufferedReader(new InputStreamReader(caller.getInputStream()))) {
      assertThat(r.readLine()).isEqualTo("READY");
      String prefix = "jpar-shm-" + caller.pid() + "-";
      assertThat(filesStartingWith(prefix)).hasSize(1);
      caller.destroyForcibly(); // SIGKILL: no shutdown hook runs
      caller.waitFor(10, TimeUnit.SECONDS);
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (System.nanoTime() < deadline && !filesStartingWith(prefix).isEmpty()) {
        Thread.sleep(50);
      }
      assertThat(filesStartingWith(prefix)).as("the dead caller's shared files").isEmpty();
    } finally {
      caller.destroyForcibly();
      caller.descendants().forEach(ProcessHandle::destroyForcibly);
    }
  }

  private static List<Path> ownFiles() throws IOException {
    return filesStartingWith("jpar-shm-" + ProcessHandle.current().pid() + "-");
  }

  private static List<Path> filesStartingWith(String prefix) throws IOException {
    List<Path> found = new java.util.ArrayList<>();
    for (Path dir : List.of(Path.of("/dev/shm"), Path.of(System.getProperty("java.io.tmpdir")))) {
      if (Files.isDirectory(dir)) {
        try (Stream<Path> files = Files.list(dir)) {
          files.filter(f -> f.getFileName().toString().startsWith(prefix)).forEach(found::add);
        }
      }
    }
    return found;
  }
}
