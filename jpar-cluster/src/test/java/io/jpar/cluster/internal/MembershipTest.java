package io.jpar.cluster.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.cluster.Address;
import com.hazelcast.cluster.impl.MemberImpl;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The admitted members and their chunks, without a cluster: a lost member's chunks are handed back
 * exactly once, however often it is reported lost, and a late reply of one of them is told apart.
 */
class MembershipTest {
  /** A chunk: compared by identity, as the backend's chunks are. */
  private static final class C {
    final String name;

    C(String name) {
      this.name = name;
    }

    @Override
    public String toString() {
      return name;
    }
  }

  private static int port = 5701;

  private static Handshake.Welcome welcome(String name, int workers) {
    try {
      return new Handshake.Welcome(new MemberImpl.Builder(new Address("127.0.0.1", port++)).uuid(UUID.randomUUID())
          .build(), name, workers);
    } catch (UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  private static List<C> chunks(int n) {
    return IntStream.range(0, n).mapToObj(i -> new C("c" + i)).toList();
  }

  /** Places {@code n} new chunks; the caller's members have room for them. */
  private static List<C> placed(Membership<C> members, int n) {
    List<C> cs = chunks(n);
    cs.forEach(c -> assertThat(members.place(c)).isNotNull());
    return cs;
  }

  @Test
  void aMemberLostTwiceHandsBackItsChunksOnlyTheFirstTime() {
    Membership<C> members = new Membership<>();
    Membership.Slot<C> a = members.admit(welcome("a", 1));
    List<C> cs = chunks(2);
    cs.forEach(c -> assertThat(members.place(c)).isSameAs(a));

    Membership.Lost<C> first = members.lost(a.id());
    assertThat(first.name()).isEqualTo("a");
    assertThat(first.orphans()).containsExactlyElementsOf(cs);
    assertThat(members.lost(a.id())).isNull();
    assertThat(members.isEmpty()).isTrue();
    assertThat(members.parallelism()).isZero();
    assertThat(members.running()).isZero();
  }

  @Test
  void aMemberNeverAdmittedHandsBackNothingAndNoMemberIsAdmittedTwice() {
    Membership<C> members = new Membership<>();
    Handshake.Welcome w = welcome("a", 2);
    assertThat(members.admit(w)).isNotNull();
    assertThat(members.admit(w)).as("greeted again while admitted").isNull();
    assertThat(members.parallelism()).isEqualTo(2);
    assertThat(members.lost(UUID.randomUUID())).isNull();
    assertThat(members.names()).containsExactly("a");
  }

  @Test
  void aLateReplyOfAHandedBackChunkIsToldApartFromAChunkThatFinishedBeforeTheLoss() {
    Membership<C> members = new Membership<>();
    Membership.Slot<C> a = members.admit(welcome("a", 2));
    List<C> cs = placed(members, 3);

    assertThat(members.finished(a, cs.get(0))).as("finished while its member was admitted").isFalse();
    Membership.Lost<C> lost = members.lost(a.id());
    assertThat(lost.orphans()).containsExactly(cs.get(1), cs.get(2));
    assertThat(members.finished(a, cs.get(1))).as("the late reply of a chunk handed back").isTrue();
    assertThat(members.finished(a, cs.get(1))).as("a second reply for it").isFalse();
    assertThat(members.finished(a, cs.get(0))).isFalse();
  }

  @Test
  void aChunkGoesToTheMemberWithTheMostRoomAndNoneTakesMoreThanItsWorkersPlusOne() {
    Membership<C> members = new Membership<>();
    Membership.Slot<C> small = members.admit(welcome("small", 1));
    Membership.Slot<C> big = members.admit(welcome("big", 3));
    assertThat(members.parallelism()).isEqualTo(4);
    List<Membership.Slot<C>> to = new ArrayList<>();
    List<C> cs = chunks(6);
    cs.forEach(c -> to.add(members.place(c)));
    // both empty: the first admitted; then the big one while its share of room is larger, then by turns
    assertThat(to).containsExactly(small, big, big, small, big, big);
    assertThat(members.hasRoom()).isFalse();
    assertThat(members.place(new C("one too many"))).isNull();
    assertThat(members.running()).isEqualTo(6);

    assertThat(members.finished(small, cs.get(0))).isFalse();
    assertThat(members.hasRoom()).isTrue();
    assertThat(members.place(new C("next"))).isSameAs(small);
  }

  @Test
  void takingTheRunningChunksAtTerminationDoesNotGiveThemUpAndLeavesNothingToHandBack() {
    Membership<C> members = new Membership<>();
    Membership.Slot<C> a = members.admit(welcome("a", 1));
    List<C> cs = placed(members, 2);

    assertThat(members.takeRunning()).containsExactlyElementsOf(cs);
    assertThat(members.running()).isZero();
    assertThat(members.finished(a, cs.get(0))).as("a reply after termination is not a given-up chunk's").isFalse();
    assertThat(members.lost(a.id()).orphans()).isEmpty();
    assertThat(members.finished(a, cs.get(1))).isFalse();
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void aMemberReportedLostByTwoThreadsAtOnceHandsBackEachChunkOnce() throws Exception {
    // the listener's "left the cluster" and a failed call's "connection failed" race like this
    ExecutorService reporters = Executors.newFixedThreadPool(2);
    try {
      for (int round = 0; round < 500; round++) {
        Membership<C> members = new Membership<>();
        Membership.Slot<C> a = members.admit(welcome("a", 7));
        List<C> cs = placed(members, 8);
        CountDownLatch go = new CountDownLatch(1);
        Future<Membership.Lost<C>> left = reporters.submit(() -> lostAfter(go, members, a));
        Future<Membership.Lost<C>> dropped = reporters.submit(() -> lostAfter(go, members, a));
        go.countDown();
        List<C> handedBack = new ArrayList<>();
        for (Membership.Lost<C> lost : Arrays.asList(left.get(30, TimeUnit.SECONDS), dropped.get(30, TimeUnit.SECONDS))) {
          if (lost != null) {
            handedBack.addAll(lost.orphans());
          }
        }
        assertThat(handedBack).containsExactlyElementsOf(cs);
      }
    } finally {
      reporters.shutdownNow();
    }
  }

  private static Membership.Lost<C> lostAfter(CountDownLatch go, Membership<C> members, Membership.Slot<C> slot)
      throws InterruptedException {
    go.await();
    return members.lost(slot.id());
  }
}
