package io.jpar.internal.process;

import io.jpar.Task;
import io.jpar.internal.Settings;
import io.jpar.spi.Codec;
import java.nio.file.Path;
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
    List<Path> extraClassPath) {}
