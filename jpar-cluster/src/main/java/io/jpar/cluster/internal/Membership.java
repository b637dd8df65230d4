package io.jpar.cluster.internal;

import com.hazelcast.cluster.Member;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The members a cluster pool has admitted (each passed the {@link Handshake}) and the chunks each runs
 * now: who has room for the next chunk, and — when a member is lost — its chunks handed back, once, for
 * the dispatcher to run elsewhere. A lost member's chunks are remembered as given up on, so that the
 * late reply of one of them can be told from the reply of a chunk still running ({@link #finished}).
 *
 * <p>Lock discipline: this class owns its state and guards it with its own {@code lock}; it calls
 * nothing outside while holding it. {@link ClusterBackend} may call it while holding the backend's lock
 * (never the other way round: this class does not know the backend), which it does where a change of
 * members must be seen together with the queue: admitting against terminating, placing queued chunks,
 * counting what is busy, waiting for work to drain. Thread-safe.
 *
 * @param <C> a chunk (the unit handed to a member); any type, so that this is tested without a cluster
 */
final class Membership<C> {
  /** One admitted member and the chunks it has now; its sets are guarded by {@code Membership.lock}. */
  static final class Slot<C> {
    private final Member member;
    private final String name;
    private final int workers;
    private final Set<C> running = new LinkedHashSet<>();
    /** Chunks it had when it was lost, already handed back; each leaves this set when its reply comes. */
    private final Set<C> orphaned = new LinkedHashSet<>();

    private Slot(Member member, String name, int workers) {
      this.member = member;
      this.name = name;
      this.workers = workers;
    }

    Member member() {
      return member;
    }

    UUID id() {
      return member.getUuid();
    }

    String name() {
      return name;
    }

    int workers() {
      return workers;
    }

    private boolean hasRoom() {
      return running.size() < workers + 1;
    }

    private double room() {
      return (workers + 1 - running.size()) / (double) (workers + 1);
    }
  }

  /** A member given up on: its name and the chunks it was running, now the dispatcher's again. */
  record Lost<C>(String name, List<C> orphans) {}

  private final Object lock = new Object();
  private final Map<UUID, Slot<C>> slots = new LinkedHashMap<>(); // guarded by lock
  /** The admitted members' workers, summed; written under the lock, read without it. */
  private volatile int parallelism;

  /**
   * Admits a member that passed the handshake; a member already admitted is not admitted twice.
   *
   * @return its slot, or null if it was admitted already
   */
  Slot<C> admit(Handshake.Welcome welcome) {
    synchronized (lock) {
      UUID id = welcome.member().getUuid();
      if (slots.containsKey(id)) {
        return null;
      }
      Slot<C> slot = new Slot<>(welcome.member(), welcome.name(), welcome.workers());
      slots.put(id, slot);
      parallelism = slots.values().stream().mapToInt(Slot::workers).sum();
      return slot;
    }
  }

  /** Whether some member has room for one more chunk ({@code workers + 1} at a time). */
  boolean hasRoom() {
    synchronized (lock) {
      return slots.values().stream().anyMatch(Slot::hasRoom);
    }
  }

  /**
   * Gives {@code chunk} to the member with the most room, as a share of its {@code workers + 1}.
   *
   * @return that member's slot, or null if none has room
   */
  Slot<C> place(C chunk) {
    synchronized (lock) {
      Slot<C> best = null;
      for (Slot<C> s : slots.values()) {
        if (s.hasRoom() && (best == null || s.room() > best.room())) {
          best = s;
        }
      }
      if (best != null) {
        best.running.add(chunk);
      }
      return best;
    }
  }

  /**
   * The reply for {@code chunk} came from {@code slot} (a result or an error): it no longer runs there.
   *
   * @return whether the chunk had been given up on — its member lost and the chunk handed back — so that
   *     only a result of it may still count
   */
  boolean finished(Slot<C> slot, C chunk) {
    synchronized (lock) {
      return !slot.running.remove(chunk) && slot.orphaned.remove(chunk);
    }
  }

  /**
   * A member is gone (left, disconnected, silent past the hang timeout): it is no longer admitted, and its
   * chunks are handed back. A member lost again, or never admitted, hands back nothing.
   *
   * @return its name and its chunks, or null if it was not admitted
   */
  Lost<C> lost(UUID member) {
    synchronized (lock) {
      Slot<C> slot = slots.remove(member);
      if (slot == null) {
        return null;
      }
      parallelism = slots.values().stream().mapToInt(Slot::workers).sum();
      List<C> orphans = new ArrayList<>(slot.running);
      slot.orphaned.addAll(orphans);
      slot.running.clear();
      return new Lost<>(slot.name(), orphans);
    }
  }

  /**
   * Takes every chunk off the admitted members, as the pool is terminated: their replies no longer count
   * as running work, and are not given up on either (their jobs are cancelled).
   *
   * @return the chunks they were running
   */
  List<C> takeRunning() {
    synchronized (lock) {
      List<C> running = new ArrayList<>();
      slots.values().forEach(s -> {
        running.addAll(s.running);
        s.running.clear();
      });
      return running;
    }
  }

  /** How many chunks the admitted members run now. */
  int running() {
    synchronized (lock) {
      return slots.values().stream().mapToInt(s -> s.running.size()).sum();
    }
  }

  boolean isEmpty() {
    synchronized (lock) {
      return slots.isEmpty();
    }
  }

  /** The admitted members' workers, summed: 0 while none is admitted. */
  int parallelism() {
    return parallelism;
  }

  /** The admitted members' names, in the order they were admitted. */
  List<String> names() {
    synchronized (lock) {
      return slots.values().stream().map(Slot::name).toList();
    }
  }
}
