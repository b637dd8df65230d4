package io.jpar.internal;

import io.jpar.spi.BackendContext;
import java.time.Duration;
import java.util.Collections;
import java.util.Optional;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * What a {@link BackendPool} shares with its backend: the settings, the progress every job reports
 * to, the task figures behind {@code plan()}, and the batches running now (to tell them when the
 * backend's capacity grew). An auto pool gives each backend it runs a {@link #child} context: its own
 * figures, the pool's progress and batches.
 */
public final class PoolContext implements BackendContext {
  private final Settings settings;
  private final ProgressTracker progress;
  private final TaskStats stats = new TaskStats();
  /** The batches running now; weak, because a lazy batch may be dropped by its caller unclosed. */
  private final Set<Fanout<?, ?, ?>> batches;

  public PoolContext(Settings settings) {
    this(settings, new ProgressTracker(settings.progressListener()),
        Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>())));
  }

  private PoolContext(Settings settings, ProgressTracker progress, Set<Fanout<?, ?, ?>> batches) {
    this.settings = settings;
    this.progress = progress;
    this.batches = batches;
  }

  /** A context for a backend run inside this pool's: its own settings and figures, this pool's batches. */
  public PoolContext child(Settings childSettings) {
    return new PoolContext(childSettings, progress, batches);
  }

  public Settings settings() {
    return settings;
  }

  @Override
  public String poolName() {
    return settings.name();
  }

  @Override
  public Optional<Duration> taskTimeout() {
    return Optional.ofNullable(settings.taskTimeout());
  }

  /** How many at once the user asked for (threads, workers, concurrency). */
  public int parallelism() {
    return settings.parallelism();
  }

  /** The figures of the tasks run on this context's backend. */
  public TaskStats stats() {
    return stats;
  }

  /** Tasks of the whole pool completed so far (failed and cancelled included). */
  public long completedSoFar() {
    return progress.doneSoFar();
  }

  ProgressTracker progress() {
    return progress;
  }

  @Override
  public boolean sampleTask() {
    return stats.sample();
  }

  @Override
  public void recordTasks(long tasks, long wallNanos, long cpuNanos) {
    stats.add(tasks, wallNanos, cpuNanos);
  }

  @Override
  public void capacityGrew() {
    synchronized (batches) {
      for (Fanout<?, ?, ?> f : batches) {
        f.nudge();
      }
    }
  }

  void batchStarted(Fanout<?, ?, ?> batch) {
    batches.add(batch);
  }
}
