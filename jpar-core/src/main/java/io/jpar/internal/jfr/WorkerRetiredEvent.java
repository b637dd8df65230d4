package io.jpar.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** A worker JVM the pool asked to exit has ended. */
@Name("jpar.WorkerRetired")
@Category("jpar")
@StackTrace(false)
@Label("Worker Retired")
@Description("A worker JVM the pool asked to exit has ended: it reached maxTasksPerWorker, or the pool was closed")
public final class WorkerRetiredEvent extends Event {
  private static final WorkerRetiredEvent PROBE = new WorkerRetiredEvent();

  @Label("Pool")
  public String pool;

  @Label("Worker")
  public String worker;

  @Label("Process Id")
  public long pid;

  @Label("Exit Code")
  public int exitCode;

  @Label("Reason")
  @Description("maxTasksPerWorker or shutdown")
  public String reason;

  /** Whether a recording wants this event; reads the class's configuration, allocates nothing. */
  public static boolean enabled() {
    return PROBE.isEnabled();
  }
}
