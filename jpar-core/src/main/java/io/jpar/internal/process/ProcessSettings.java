package io.jpar.internal.process;

import io.jpar.Task;
import io.jpar.internal.Settings;
import io.jpar.spi.Codec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A process pool's options, fixed at build time.
 *
 * @param common the options every pool has
 * @param workerHeap {@code -Xmx} value, or {@code null}
 * @param jvmOptions extra worker JVM options
 * @param environment extra environment variables
 * @param workingDirectory or {@code null} for the caller's
 * @param initializer run once per worker, or {@code null}
 * @param maxTasksPerWorker 0 for no limit
 * @param retries extra attempts after a crash or timeout
 * @param chunkSize fixed chunk size, or 0 to adapt
 * @param codec the codec class
 * @param allowClasses serialization allow-list, {@code ""} for the default filter
 * @param extraClassPath entries added after the caller's class path on the workers'
 * @param limits how long a worker may take to start, to initialize, and stay silent
 * @param valueFileThreshold {@code byte[]} and strings of this many bytes and more cross through files
 *     in shared memory ({@link io.jpar.internal.process.wire.ValueFiles}); 0 for never
 */
public record ProcessSettings(
    Settings common,
    String workerHeap,
    List<String> jvmOptions,
    Map<String, String> environment,
    Path workingDirectory,
    Task<Integer, ?> initializer,
    int maxTasksPerWorker,
    int retries,
    int chunkSize,
    Class<? extends Codec> codec,
    String allowClasses,
    List<Path> extraClassPath,
    Limits limits,
    int valueFileThreshold) {

  /** Settings with every value through the pipe (no value files). */
  public ProcessSettings(Settings common, String workerHeap, List<String> jvmOptions, Map<String, String> environment,
      Path workingDirectory, Task<Integer, ?> initializer, int maxTasksPerWorker, int retries, int chunkSize,
      Class<? extends Codec> codec, String allowClasses, List<Path> extraClassPath, Limits limits) {
    this(common, workerHeap, jvmOptions, environment, workingDirectory, initializer, maxTasksPerWorker, retries, chunkSize,
        codec, allowClasses, extraClassPath, limits, 0);
  }

  /**
   * The times past which a worker is given up on.
   *
   * @param start from starting its JVM to its first frame (the JVM is up, our code runs)
   * @param initializer how long the initializer may run (the worker's own watchdog enforces it)
   * @param heartbeat how long a started worker may stay silent before it is taken for frozen and killed
   */
  public record Limits(Duration start, Duration initializer, Duration heartbeat) {
    public static final Limits DEFAULTS =
        new Limits(Duration.ofSeconds(60), Duration.ofSeconds(60), Duration.ofSeconds(5));

    /** How often a worker says it is alive: often enough that a few missed beats are not yet silence. */
    public int heartbeatMillis() {
      return (int) Math.max(10, Math.min(500, heartbeat.toMillis() / 8));
    }
  }
}
