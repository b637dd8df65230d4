package io.jpar.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;

/**
 * One batch ({@code map}, {@code mapOutcomes}, an {@code imap} stream) from its start until it was
 * consumed or closed. A lazy stream its caller drops unconsumed and unclosed ends no batch: no event.
 */
@Name("jpar.Batch")
@Category("jpar")
@Label("Batch")
@Description("One map, mapOutcomes or imap run of a pool, from its start until all its results were handed out or it was closed")
public final class BatchEvent extends Event {
  private static final BatchEvent PROBE = new BatchEvent();

  @Label("Pool")
  public String pool;

  @Label("Backend")
  @Description("The machinery the pool ran on when the batch ended (an auto pool may have moved meanwhile)")
  public String backend;

  @Label("Mode")
  @Description("map (input order, first failure stops the rest), ordered or unordered")
  public String mode;

  @Label("Tasks")
  @Description("Inputs read and dispatched")
  public long tasks;

  @Label("Results")
  @Description("Outcomes handed to the caller")
  public long results;

  @Label("Failures")
  @Description("Failed outcomes handed to the caller")
  public long failures;

  @Label("Cancelled")
  @Description("Closed before every result was handed out (a failure in map, a stream closed early); the rest was cancelled")
  public boolean cancelled;

  @Label("Terminated")
  @Description("The pool was terminated while the batch ran")
  public boolean terminated;

  /** Whether a recording wants this event; reads the class's configuration, allocates nothing. */
  public static boolean enabled() {
    return PROBE.isEnabled();
  }
}
