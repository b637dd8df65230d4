package io.jpar.internal.thread;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A new virtual thread per task, at most {@code maxConcurrency} at once; the rest wait in a FIFO queue
 * as plain {@link Runnable}s, not as parked threads, so a million queued tasks cost a million queue
 * entries, not a million stacks. Virtual threads are never reused (no leaking thread-locals).
 *
 * <p>Lock-free on the hot path: {@code permits} counts free slots. Whoever adds work or frees a slot
 * calls {@link #drain()}, which starts queued tasks while permits remain; since both sides re-check
 * after their own change, no queued task is stranded. The lock only serves {@link #awaitTermination}.
 * {@code live} threads are tracked only so that {@link #shutdownNow()} can interrupt them.
 */
final class BoundedVirtualExecutor extends AbstractExecutorService {
  private final ThreadFactory factory;
  private final ConcurrentLinkedQueue<Runnable> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger permits;
  /** The bound {@code permits} counts down from; may be lowered below the threads running (permits < 0). */
  private final AtomicInteger limit;
  private final AtomicInteger live = new AtomicInteger();
  private final Set<Thread> threads = ConcurrentHashMap.newKeySet();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition idle = lock.newCondition();
  private volatile boolean shutdown;

  BoundedVirtualExecutor(int maxConcurrency, String name) {
    this.permits = new AtomicInteger(maxConcurrency);
    this.limit = new AtomicInteger(maxConcurrency);
    // One name for all ("NAME-virtual"), not "NAME-1", "NAME-2", ...: building a string per thread was a
    // fifth of everything a trivial task allocated (JFR). A dump still shows whose threads they are.
    this.factory = Thread.ofVirtual().name(name + "-virtual").factory();
  }

  @Override
  public void execute(Runnable task) {
    if (shutdown) {
      throw new RejectedExecutionException("executor is shut down");
    }
    live.incrementAndGet();
    if (queue.isEmpty() && tryAcquire()) {
      start(task); // the common case under the limit: no queue round trip
      return;
    }
    queue.offer(task);
    drain();
  }

  /**
   * Changes how many run at once: a higher bound starts queued tasks now; a lower one lets running tasks
   * finish and starts no more until fewer than {@code n} run.
   */
  void limit(int n) {
    permits.addAndGet(n - limit.getAndSet(n));
    drain();
  }

  /** Tasks accepted and not yet finished (running or queued). */
  int live() {
    return live.get();
  }

  private boolean tryAcquire() {
    for (int p = permits.get(); p > 0; p = permits.get()) {
      if (permits.compareAndSet(p, p - 1)) {
        return true;
      }
    }
    return false;
  }

  private void start(Runnable task) {
    factory.newThread(() -> runThenRelease(task)).start();
  }

  private void drain() {
    while (!queue.isEmpty()) {
      int p = permits.get();
      if (p <= 0) {
        return;
      }
      if (!permits.compareAndSet(p, p - 1)) {
        continue;
      }
      Runnable next = queue.poll();
      if (next == null) {
        permits.incrementAndGet();
        continue;
      }
      start(next);
    }
  }

  private void runThenRelease(Runnable task) {
    Thread self = Thread.currentThread();
    threads.add(self);
    try {
      task.run();
    } finally {
      threads.remove(self);
      permits.incrementAndGet();
      finished();
      drain();
    }
  }

  private void finished() {
    if (live.decrementAndGet() == 0 && shutdown) {
      signalIdle();
    }
  }

  private void signalIdle() {
    lock.lock();
    try {
      idle.signalAll();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void shutdown() {
    shutdown = true;
    if (live.get() == 0) {
      signalIdle();
    }
  }

  @Override
  public List<Runnable> shutdownNow() {
    shutdown = true;
    threads.forEach(Thread::interrupt);
    List<Runnable> pending = new ArrayList<>();
    for (Runnable r; (r = queue.poll()) != null; ) {
      pending.add(r);
      finished();
    }
    return pending;
  }

  @Override
  public boolean isShutdown() {
    return shutdown;
  }

  @Override
  public boolean isTerminated() {
    return shutdown && live.get() == 0;
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
    long nanos = unit.toNanos(timeout);
    lock.lock();
    try {
      while (!isTerminated()) {
        if (nanos <= 0) {
          return false;
        }
        nanos = idle.awaitNanos(nanos);
      }
      return true;
    } finally {
      lock.unlock();
    }
  }
}
