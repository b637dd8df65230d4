package io.jpar.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Percentage;
import jdk.jfr.Timespan;

/** An auto pool chose other machinery or another concurrency, with the figures it judged. */
@Name("jpar.PlanChanged")
@Category("jpar")
@StackTrace(false)
@Label("Plan Changed")
@Description("An auto pool chose other machinery or another concurrency, from the figures of the last span")
public final class PlanChangedEvent extends Event {
  private static final PlanChangedEvent PROBE = new PlanChangedEvent();

  @Label("Pool")
  public String pool;

  @Label("From")
  public String from;

  @Label("From Concurrency")
  public int fromConcurrency;

  @Label("To")
  public String to;

  @Label("To Concurrency")
  public int toConcurrency;

  @Label("Reason")
  public String reason;

  @Label("Tasks Per Second")
  @Description("Completed tasks per second in the span judged; NaN if no figures")
  public double tasksPerSecond;

  @Label("CPU Share")
  @Description("CPU time over wall time of the tasks measured; NaN if no figures")
  @Percentage
  public double cpuShare;

  @Label("Utilisation")
  @Description("How busy the chosen concurrency kept the cores; NaN if no figures")
  @Percentage
  public double utilisation;

  @Label("Mean Task Wall Time")
  @Description("-1 if unknown")
  @Timespan(Timespan.NANOSECONDS)
  public long meanWall;

  @Label("Samples")
  @Description("Tasks measured in the span")
  public long samples;

  /** Whether a recording wants this event; reads the class's configuration, allocates nothing. */
  public static boolean enabled() {
    return PROBE.isEnabled();
  }
}
