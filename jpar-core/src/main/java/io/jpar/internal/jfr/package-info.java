/**
 * The Flight Recorder events of jpar, category {@code jpar}: {@code jpar.Batch}, {@code jpar.Task}
 * (sampled), {@code jpar.WorkerStarted}, {@code jpar.WorkerDied}, {@code jpar.WorkerRetired} and
 * {@code jpar.PlanChanged}. This package depends on nothing but the JDK, so the core and every backend
 * may emit them.
 *
 * <p>Cost when nothing records: each event class keeps one instance that is never committed, a probe;
 * {@code enabled()} asks it {@code isEnabled()}, which reads the event class's static configuration
 * (JFR instruments the class when a recording starts; before that the method returns false). An event
 * object is made only when that check passes, so a pool allocates nothing for JFR and does not start
 * JFR's machinery when no one records.
 */
package io.jpar.internal.jfr;
