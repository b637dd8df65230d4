package io.jpar.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/**
 * One task run on a thread of the pool, among those the pool already times for its plan (the first
 * tasks, then one in 64): no clock is read for the event alone.
 */
@Name("jpar.Task")
@Category("jpar")
@StackTrace(false)
@Label("Task (sampled)")
@Description("One task run on a pool thread; only the tasks the pool times for its plan (the first 64, then one in 64)")
public final class TaskEvent extends Event {
  private static final TaskEvent PROBE = new TaskEvent();

  @Label("Pool")
  public String pool;

  @Label("Wall Time")
  @Timespan(Timespan.NANOSECONDS)
  public long wall;

  @Label("CPU Time")
  @Description("The thread's CPU time in the task, at most its wall time; -1 where the thread has no CPU clock (virtual threads)")
  @Timespan(Timespan.NANOSECONDS)
  public long cpu;

  @Label("Failed")
  public boolean failed;

  /** Whether a recording wants this event; reads the class's configuration, allocates nothing. */
  public static boolean enabled() {
    return PROBE.isEnabled();
  }
}
