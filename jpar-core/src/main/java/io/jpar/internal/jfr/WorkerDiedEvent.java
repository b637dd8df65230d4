package io.jpar.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** A worker JVM ended without being asked to: it crashed, or the pool killed it. */
@Name("jpar.WorkerDied")
@Category("jpar")
@StackTrace(false)
@Label("Worker Died")
@Description("A worker JVM ended without being asked to: it crashed or exited, or the pool killed it")
public final class WorkerDiedEvent extends Event {
  private static final WorkerDiedEvent PROBE = new WorkerDiedEvent();

  @Label("Pool")
  public String pool;

  @Label("Worker")
  public String worker;

  @Label("Process Id")
  public long pid;

  @Label("Exit Code")
  @Description("-1 if it could not be told")
  public int exitCode;

  @Label("Cause")
  @Description("crash, timeout kill, silence kill, start timeout kill, cancel kill, protocol error,"
      + " terminate kill or other kill")
  public String cause;

  @Label("Reason")
  @Description("Why the pool killed it, or what the worker reported before dying, if anything")
  public String reason;

  /** Whether a recording wants this event; reads the class's configuration, allocates nothing. */
  public static boolean enabled() {
    return PROBE.isEnabled();
  }
}
