package io.jpar.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.jpar.Pool;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Members come and go under a running batch: one killed with SIGKILL, one joining, one stopped with
 * SIGSTOP. Every result is delivered once and in order; the work of a lost member runs on the others.
 * Three member JVMs on 127.0.0.1 to start with; the tests run in order (each changes the cluster).
 * Tagged "stress": a few member start-ups and a hang timeout make it the slow one.
 */
@Tag("stress")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterMemberLossTest {
  private Members members;

  @BeforeAll
  void startMembers() {
    members = Members.start("loss-" + ProcessHandle.current().pid(), 3);
  }

  @AfterAll
  void stopMembers() {
    if (members != null) {
      members.close();
    }
  }

  private static List<Integer> upTo(int n) {
    return IntStream.range(0, n).boxed().toList();
  }

  private static void assertEachInOrderOnce(List<String> tags, int n) {
    assertThat(tags).hasSize(n);
    for (int i = 0; i < n; i++) {
      assertThat(tags.get(i)).startsWith(i + "@");
    }
  }

  @Test
  @Order(1)
  void aMemberJoiningMidBatchGetsWork() {
    try (Pool pool = members.pool().build();
        Stream<String> results = pool.imap(ClusterTasks::tag20, Stream.iterate(0, x -> x + 1))) {
      Iterator<String> it = results.iterator();
      int i = 0;
      for (; i < 50; i++) {
        assertThat(it.next()).startsWith(i + "@");
      }
      Members.Member newcomer = members.join(List.of());
      newcomer.ready.orTimeout(90, TimeUnit.SECONDS).join();
      String mark = "@" + newcomer.pid();
      boolean gotWork = false;
      long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
      // The newcomer is greeted and handed chunks within seconds.
      while (!gotWork && System.nanoTime() < deadline) {
        String tag = it.next();
        assertThat(tag).startsWith(i + "@");
        gotWork = tag.endsWith(mark);
        i++;
      }
      assertThat(gotWork).as("the newcomer ran a task; members said:%n%s", members.logs()).isTrue();
    }
  }

  @Test
  @Order(2)
  void aMemberKilledMidMapHasItsChunksRunElsewhereAndEveryResultArrivesOnceInOrder() throws Exception {
    Members.Member victim = members.list().get(0);
    CountDownLatch started = new CountDownLatch(60);
    try (Pool pool = members.pool().onProgress(p -> started.countDown()).build()) {
      CompletableFuture<List<String>> run = CompletableFuture.supplyAsync(() -> pool.map(ClusterTasks::tag40, upTo(600)));
      assertThat(started.await(60, TimeUnit.SECONDS)).isTrue();
      victim.process.destroyForcibly(); // SIGKILL
      assertThat(victim.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
      List<String> tags = run.get(90, TimeUnit.SECONDS);
      assertEachInOrderOnce(tags, 600);
      // Some of its work was lost with it and ran elsewhere: the batch finished without it.
      assertThat(ProcessHandle.of(victim.pid()).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    }
  }

  @Test
  @Order(3)
  void aStoppedMemberIsNoticedWithinTheHangTimeoutAndItsWorkRunsElsewhere() throws Exception {
    Members.Member victim = members.list().stream().filter(m -> m.process.isAlive()).findFirst().orElseThrow();
    CountDownLatch started = new CountDownLatch(60);
    try (Pool pool = members.pool().onProgress(p -> started.countDown()).build()) {
      CompletableFuture<List<String>> run = CompletableFuture.supplyAsync(() -> pool.map(ClusterTasks::tag40, upTo(600)));
      assertThat(started.await(60, TimeUnit.SECONDS)).isTrue();
      long stoppedAt = System.nanoTime();
      Members.signal(victim, "STOP");
      List<String> tags = run.get(90, TimeUnit.SECONDS);
      Duration took = Duration.ofNanos(System.nanoTime() - stoppedAt);
      assertEachInOrderOnce(tags, 600);
      // The hang timeout is 3 s; 10x loose, so that only a hang fails this.
      assertThat(took).isLessThan(Duration.ofSeconds(30));
    } finally {
      Members.signal(victim, "CONT");
    }
  }

  @Test
  @Order(4)
  void aPoolBuiltWhileAMemberHangsLeavesItBehindAndRunsOnTheOthers() {
    List<Members.Member> live = members.list().stream().filter(m -> m.process.isAlive()).toList();
    Members.Member hung = live.get(live.size() - 1);
    Members.signal(hung, "STOP");
    try (Pool pool = members.pool().build()) {
      List<String> tags = pool.map(ClusterTasks::tag20, upTo(60));
      assertEachInOrderOnce(tags, 60);
      assertThat(tags).noneMatch(t -> t.endsWith("@" + hung.pid()));
    } finally {
      Members.signal(hung, "CONT");
    }
  }
}
