package io.jpar.internal.thread;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A new virtual thread per task, at most {@code maxConcurrency} at once; the rest wait in a FIFO queue
 * as plain {@link Runnable}s, not as parked threads, so a million queued tasks cost a million queue
 * entries, not a million stacks. Virtual threads are never reused (no leaking thread-locals).
 *
 * <p>Lock discipline: {@code lock} guards {@code queue}, {@code running}, {@code live} and {@code
 * shutdown}; tasks run outside it.
 */
final class BoundedVirtualExecutor extends AbstractExecutorService {
  private final int maxConcurrency;
  private final ThreadFactory factory;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition idle = lock.newCondition();
  private final ArrayDeque<Runnable> queue = new ArrayDeque<>();
  private final Set<Thread> live = new HashSet<>();
  private boolean shutdown;

  BoundedVirtualExecutor(int maxConcurrency, String name) {
    this.maxConcurrency = maxConcurrency;
    this.factory = Thread.ofVirtual().name(name + "-", 1).factory();
  }

  @Override
  public void execute(Runnable task) {
    lock.lock();
    try {
      if (shutdown) {
        throw new RejectedExecutionException("executor is shut down");
      }
      if (live.size() < maxConcurrency) {
        start(task);
      } else {
        queue.add(task);
      }
    } finally {
      lock.unlock();
    }
  }

  /** Called with the lock held. */
  private void start(Runnable task) {
    Thread t = factory.newThread(() -> runThenNext(task));
    live.add(t);
    t.start();
  }

  private void runThenNext(Runnable task) {
    try {
      task.run();
    } finally {
      lock.lock();
      try {
        live.remove(Thread.currentThread());
        Runnable next = queue.poll();
        if (next != null) {
          start(next);
        } else if (live.isEmpty()) {
          idle.signalAll();
        }
      } finally {
        lock.unlock();
      }
    }
  }

  @Override
  public void shutdown() {
    lock.lock();
    try {
      shutdown = true;
      if (live.isEmpty()) {
        idle.signalAll();
      }
    } finally {
      lock.unlock();
    }
  }

  @Override
  public List<Runnable> shutdownNow() {
    lock.lock();
    try {
      shutdown = true;
      List<Runnable> pending = new ArrayList<>(queue);
      queue.clear();
      live.forEach(Thread::interrupt);
      return pending;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public boolean isShutdown() {
    lock.lock();
    try {
      return shutdown;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public boolean isTerminated() {
    lock.lock();
    try {
      return shutdown && live.isEmpty() && queue.isEmpty();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
    long nanos = unit.toNanos(timeout);
    lock.lock();
    try {
      while (!(shutdown && live.isEmpty() && queue.isEmpty())) {
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
