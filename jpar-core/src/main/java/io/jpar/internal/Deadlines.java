package io.jpar.internal;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * One daemon timer thread for every pool's task deadlines. Shared, because a timer per pool would be a
 * thread per pool for something that fires rarely; created on first use.
 */
public final class Deadlines {
  private Deadlines() {}

  private static final class Holder {
    static final ScheduledThreadPoolExecutor TIMER = create();

    private static ScheduledThreadPoolExecutor create() {
      ScheduledThreadPoolExecutor t =
          new ScheduledThreadPoolExecutor(
              1,
              r -> {
                Thread th = new Thread(r, "jpar-deadlines");
                th.setDaemon(true);
                return th;
              });
      t.setRemoveOnCancelPolicy(true);
      return t;
    }
  }

  /** Runs {@code action} after {@code delay} unless the returned future is cancelled first. */
  public static ScheduledFuture<?> after(Duration delay, Runnable action) {
    return Holder.TIMER.schedule(action, delay.toNanos(), TimeUnit.NANOSECONDS);
  }
}
