package io.jpar.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/** A worker JVM answered its handshake and is ready for work. */
@Name("jpar.WorkerStarted")
@Category("jpar")
@StackTrace(false)
@Label("Worker Started")
@Description("A worker JVM of a process pool answered its handshake")
public final class WorkerStartedEvent extends Event {
  private static final WorkerStartedEvent PROBE = new WorkerStartedEvent();

  @Label("Pool")
  public String pool;

  @Label("Worker")
  public String worker;

  @Label("Process Id")
  public long pid;

  @Label("Handshake Time")
  @Description("From starting the process to its handshake")
  @Timespan(Timespan.NANOSECONDS)
  public long handshake;

  /** Whether a recording wants this event; reads the class's configuration, allocates nothing. */
  public static boolean enabled() {
    return PROBE.isEnabled();
  }
}
