package io.jpar.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/**
 * One chunk of tasks a worker process ran, with the worker's own clocks. The tasks of a process pool run
 * in other JVMs, out of the caller's recording's reach, and are timed there a chunk at a time (a clock
 * read per tiny task would cost as much as the task); so a process pool's counterpart of {@code
 * jpar.Task} is this, recorded in the caller when the chunk's results arrive.
 */
@Name("jpar.Chunk")
@Category("jpar")
@StackTrace(false)
@Label("Chunk (worker process)")
@Description("A chunk of tasks run by a worker JVM, timed by the worker; recorded when its results arrive")
public final class ChunkEvent extends Event {
  private static final ChunkEvent PROBE = new ChunkEvent();

  @Label("Pool")
  public String pool;

  @Label("Process Id")
  public long pid;

  @Label("Tasks")
  public int tasks;

  @Label("Wall Time")
  @Description("The worker's time running the chunk's tasks, decoding and encoding included")
  @Timespan(Timespan.NANOSECONDS)
  public long wall;

  @Label("CPU Time")
  @Description("The worker thread's CPU time for the chunk; -1 where unknown")
  @Timespan(Timespan.NANOSECONDS)
  public long cpu;

  @Label("Round Trip")
  @Description("From sending the chunk to its last result, as the caller saw it")
  @Timespan(Timespan.NANOSECONDS)
  public long roundTrip;

  /** Whether a recording wants this event; reads the class's configuration, allocates nothing. */
  public static boolean enabled() {
    return PROBE.isEnabled();
  }
}
