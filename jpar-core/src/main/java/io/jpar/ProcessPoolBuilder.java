package io.jpar;

import io.jpar.internal.BackendPool;
import io.jpar.internal.process.ProcessBackend;
import io.jpar.internal.process.ProcessSettings;
import io.jpar.internal.process.wire.JavaSerializationCodec;
import io.jpar.spi.Codec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Builds a {@link Pool} of worker JVMs, for work that must be isolated: a task that exits, runs out of
 * memory, crashes in native code or hangs takes down its worker, never the pool or the caller, and a
 * task past its timeout is really stopped (its worker is killed and replaced). Workers are started from
 * this JVM's own {@code java} and class path; tasks, inputs and results cross by a {@link Codec} (Java
 * serialization by default), so they must be serializable. Small tasks are sent in chunks whose size
 * adapts to the measured task time.
 *
 * {@snippet :
 * try (Pool pool = Pool.processes().workers(4).workerHeap("512m").taskTimeout(Duration.ofMinutes(2)).build()) {
 *   List<Stats> stats = pool.map(CsvStats::of, files);   // each file analysed in a worker JVM
 * }
 * }
 *
 * <p>{@link #build()} returns once every worker has answered its handshake.
 *
 * <p>Thread safety: a builder is meant for one thread.
 *
 * @since 0.1
 */
public final class ProcessPoolBuilder extends PoolBuilder<ProcessPoolBuilder> {
  private static final Pattern HEAP = Pattern.compile("[1-9][0-9]*[kKmMgG]?");

  private Integer workers;
  private String workerHeap;
  private List<String> jvmOptions;
  private final Map<String, String> environment = new LinkedHashMap<>();
  private Path workingDirectory;
  private Task<Integer, ?> initializer;
  private Integer maxTasksPerWorker;
  private Integer retries;
  private Integer chunkSize;
  private Class<? extends Codec> codec;
  private String allowClasses;
  private List<Path> classPath;
  private Duration startTimeout;
  private Duration initializerTimeout;
  private Duration heartbeatTimeout;
  private Integer valueFileThreshold;

  ProcessPoolBuilder() {}

  /**
   * The number of worker JVMs. Default: {@link Runtime#availableProcessors()}.
   *
   * @param workers the number of worker JVMs, 1 or more
   * @return this builder
   * @throws IllegalArgumentException if {@code workers} is below 1
   * @throws IllegalStateException if this option was already set
   */
  public ProcessPoolBuilder workers(int workers) {
    requireUnset("workers", this.workers);
    this.workers = requirePositive("workers", workers);
    return this;
  }

  /**
   * Each worker's maximum heap, in {@code -Xmx} form: {@code "512m"}, {@code "2g"}. Default: the JVM's.
   *
   * @param size the heap size, digits with an optional {@code k}, {@code m} or {@code g}
   * @return this builder
   * @throws IllegalArgumentException if {@code size} is not in {@code -Xmx} form
   * @throws IllegalStateException if this option was already set
   */
  public ProcessPoolBuilder workerHeap(String size) {
    Objects.requireNonNull(size, "size");
    requireUnset("workerHeap", this.workerHeap);
    if (!HEAP.matcher(size).matches()) {
      throw new IllegalArgumentException("workerHeap must look like 512m or 2g, was '" + size + "'");
    }
    this.workerHeap = size;
    return this;
  }

  /**
   * Extra options for the worker JVMs, e.g. {@code "-XX:+UseZGC"}, {@code "-Dfoo=bar"}.
   *
   * @param options the options, each starting with {@code -}
   * @return this builder
   * @throws IllegalArgumentException if an option is null or does not start with {@code -}
   * @throws IllegalStateException if this option was already set
   */
  public ProcessPoolBuilder jvmOptions(String... options) {
    requireUnset("jvmOptions", this.jvmOptions);
    for (String o : options) {
      if (o == null || !o.startsWith("-")) {
        throw new IllegalArgumentException("a JVM option starts with '-', was '" + o + "'");
      }
    }
    this.jvmOptions = List.of(options);
    return this;
  }

  /**
   * Sets an environment variable for the workers (they inherit this JVM's environment otherwise).
   *
   * @param name the variable's name
   * @param value its value
   * @return this builder
   * @throws IllegalStateException if this variable was already set
   */
  public ProcessPoolBuilder environment(String name, String value) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(value, "value");
    if (environment.containsKey(name)) {
      throw new IllegalStateException("environment " + name + " was already set to " + environment.get(name));
    }
    environment.put(name, value);
    return this;
  }

  /**
   * The workers' working directory. Default: this JVM's.
   *
   * @param dir the directory the workers start in
   * @return this builder
   * @throws IllegalStateException if this option was already set
   */
  public ProcessPoolBuilder workingDirectory(Path dir) {
    Objects.requireNonNull(dir, "dir");
    requireUnset("workingDirectory", this.workingDirectory);
    this.workingDirectory = dir;
    return this;
  }

  /**
   * Runs once in each worker, before its first task, with the worker's number (1, 2, ...): load a
   * model, open a file. If it fails the worker reports the error and the pool does not start.
   *
   * @param initializer the task to run once per worker; its input is the worker's number, its result is ignored
   * @return this builder
   * @throws IllegalStateException if this option was already set
   */
  public ProcessPoolBuilder initializer(Task<Integer, ?> initializer) {
    Objects.requireNonNull(initializer, "initializer");
    requireUnset("initializer", this.initializer);
    this.initializer = initializer;
    return this;
  }

  /**
   * Replaces a worker after it has run this many tasks, so leaks die with it. Default: never.
   *
   * @param tasks the number of tasks a worker runs before it is replaced, 1 or more
   * @return this builder
   * @throws IllegalArgumentException if {@code tasks} is below 1
   * @throws IllegalStateException if this option was already set
   */
  public ProcessPoolBuilder maxTasksPerWorker(int tasks) {
    requireUnset("maxTasksPerWorker", this.maxTasksPerWorker);
    this.maxTasksPerWorker = requirePositive("maxTasksPerWorker", tasks);
    return this;
  }

  /**
   * How many more times a task is tried, on a fresh worker, after its worker died under it or it
   * timed out. A task that throws is never retried (it would throw again). Default: 0.
   *
   * @param retries the number of further tries, 0 or more
   * @return this builder
   * @throws IllegalArgumentException if {@code retries} is negative
   * @throws IllegalStateException if this option was already set
   */
  public ProcessPoolBuilder retries(int retries) {
    requireUnset("retries", this.retries);
    if (retries < 0) {
      throw new IllegalArgumentException("retries must be 0 or more, was " + retries);
    }
    this.retries = retries;
    return this;
  }

  /**
   * Sends exactly this many inputs per round trip instead of adapting to the task time.
   *
   * @param inputs the number of inputs per round trip, 1 or more
   * @return this builder
   * @throws IllegalArgumentException if {@code inputs} is below 1
   * @throws IllegalStateException if this option was already set
   */
  public ProcessPoolBuilder chunkSize(int inputs) {
    requireUnset("chunkSize", this.chunkSize);
    this.chunkSize = requirePositive("chunkSize", inputs);
    return this;
  }

  /**
   * The codec for tasks, inputs and results; it needs a public no-argument constructor.
   *
   * @param codec the codec's class, made once in this JVM and once in each worker
   * @return this builder
   * @throws IllegalArgumentException if the class has no public no-argument constructor
   * @throws IllegalStateException if this option was already set
   */
  public ProcessPoolBuilder codec(Class<? extends Codec> codec) {
    Objects.requireNonNull(codec, "codec");
    requireUnset("codec", this.codec);
    try {
      codec.getConstructor();
    } catch (NoSuchMethodException e) {
      throw new IllegalArgumentException(codec.getName() + " needs a public no-argument constructor", e);
    }
    this.codec = codec;
    return this;
  }

  /**
   * Restricts what the default codec will deserialize to JDK classes, jpar's own and these patterns
   * ({@code "com.example.**"}, {@code "com.example.Stats"}). Default: JDK classes and anything on the
   * application class path.
   *
   * @param patterns class names, or package names ending in {@code .**}
   * @return this builder
   * @throws IllegalArgumentException if a pattern is blank or holds {@code ;} or {@code !}
   * @throws IllegalStateException if this option was already set
   */
  public ProcessPoolBuilder allowClasses(String... patterns) {
    requireUnset("allowClasses", this.allowClasses);
    for (String p : patterns) {
      if (p == null || p.isBlank() || p.contains(";") || p.startsWith("!")) {
        throw new IllegalArgumentException("a class pattern looks like com.example.** or com.example.Type, was '" + p + "'");
      }
    }
    this.allowClasses = String.join(";", patterns);
    return this;
  }

  /**
   * Adds jars or directories to the workers' class path, after the caller's own: for tasks whose
   * classes the caller loaded from elsewhere (a plugin jar, {@code jpar advise --classpath}).
   *
   * @param entries jars or directories, each of which must exist
   * @return this builder
   * @throws IllegalArgumentException if an entry does not exist
   * @throws IllegalStateException if this option was already set
   */
  public ProcessPoolBuilder classPath(Path... entries) {
    requireUnset("classPath", this.classPath);
    for (Path p : entries) {
      Objects.requireNonNull(p, "classPath entry");
      if (!java.nio.file.Files.exists(p)) {
        throw new IllegalArgumentException("class path entry " + p + " does not exist");
      }
    }
    this.classPath = List.of(entries).stream().map(p -> p.toAbsolutePath()).toList();
    return this;
  }

  /**
   * How long a worker JVM may take from being started to answering (its JVM up and jpar's code
   * running, before any initializer). Past it the worker is killed and the failure says that its JVM
   * did not start, with the last lines it printed; three such failures in a row break the pool.
   * Default: 60 seconds.
   *
   * @param timeout a positive duration
   * @return this builder
   * @throws IllegalArgumentException if {@code timeout} is zero or negative
   * @throws IllegalStateException if it was already set
   */
  public ProcessPoolBuilder startTimeout(Duration timeout) {
    requireUnset("startTimeout", this.startTimeout);
    this.startTimeout = requirePositive("startTimeout", timeout);
    return this;
  }

  /**
   * How long the {@link #initializer} may run in a worker. Past it the worker reports where the
   * initializer is stuck (its stack, as seen in the worker) and exits, and the pool fails with that.
   * Default: 60 seconds.
   *
   * @param timeout a positive duration
   * @return this builder
   * @throws IllegalArgumentException if {@code timeout} is zero or negative
   * @throws IllegalStateException if it was already set
   */
  public ProcessPoolBuilder initializerTimeout(Duration timeout) {
    requireUnset("initializerTimeout", this.initializerTimeout);
    this.initializerTimeout = requirePositive("initializerTimeout", timeout);
    return this;
  }

  /**
   * How long a started worker may stay silent. Every worker says it is alive several times a second
   * from a thread of its own, whatever its task is doing, so a long computation is not silence; a worker
   * stopped ({@code SIGSTOP}), frozen, or in a very long GC pause is. Past this limit it is killed, and
   * its inputs are retried or fail as after a crash, with a {@link WorkerCrashedException} saying it
   * stopped responding. Default: 5 seconds.
   *
   * @param timeout a positive duration, at least 100 ms
   * @return this builder
   * @throws IllegalArgumentException if {@code timeout} is shorter than 100 ms
   * @throws IllegalStateException if it was already set
   */
  public ProcessPoolBuilder heartbeatTimeout(Duration timeout) {
    requireUnset("heartbeatTimeout", this.heartbeatTimeout);
    requirePositive("heartbeatTimeout", timeout);
    if (timeout.toMillis() < 100) {
      throw new IllegalArgumentException("heartbeatTimeout must be at least 100 ms (workers beat several times within it),"
          + " was " + timeout);
    }
    this.heartbeatTimeout = timeout;
    return this;
  }

  /**
   * From what size a {@code byte[]} or string input or result crosses between the caller and a worker
   * through a file in shared memory ({@code /dev/shm}, else the temporary directory) instead of the
   * pipe: the sender writes it to a file of its own, only the file's name crosses, and the receiver
   * reads it into its own array and deletes the file. A value whose file cannot be written, or for
   * which the directory lacks room, goes through the pipe. Files left by a worker or a caller that died
   * are deleted (by the caller, by the workers, or by the next pool started). The receiver then holds
   * the value alone, nothing more while it arrives; but the value is copied twice, one copy after the
   * other, where the pipe overlaps sending and receiving, so which is faster depends on the machine: on
   * a 2-core machine busy with other work 100 MB inputs crossed at about half the pipe's rate, results
   * at 0.7-0.9x; on the same machine quiet, inputs at 1.5-1.8x the pipe's rate, results at about the
   * same. Default: 0, the pipe;
   * when used, 1 MiB ({@code 1 << 20}) or more (below that a file's open, write, read and unlinks
   * cost more than the value's bytes in the pipe).
   *
   * @param bytes the smallest value that goes through a file, 1 or more; 0 sends every value through the pipe
   * @return this builder
   * @throws IllegalArgumentException if {@code bytes} is negative
   * @throws IllegalStateException if this option was already set
   */
  public ProcessPoolBuilder valueFileThreshold(int bytes) {
    requireUnset("valueFileThreshold", this.valueFileThreshold);
    if (bytes < 0) {
      throw new IllegalArgumentException("valueFileThreshold must be 0 (never) or more, was " + bytes);
    }
    this.valueFileThreshold = bytes;
    return this;
  }

  private static Duration requirePositive(String option, Duration timeout) {
    Objects.requireNonNull(timeout, option);
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException(option + " must be positive, was " + timeout);
    }
    if (timeout.toMillis() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(option + " must be at most " + Integer.MAX_VALUE + " ms, was " + timeout);
    }
    return timeout;
  }

  @Override
  public Pool build() {
    int n = workers == null ? Runtime.getRuntime().availableProcessors() : workers;
    ProcessSettings ps =
        new ProcessSettings(
            settings("jpar-processes", n),
            workerHeap,
            jvmOptions == null ? List.of() : jvmOptions,
            Map.copyOf(environment),
            workingDirectory,
            initializer,
            maxTasksPerWorker == null ? 0 : maxTasksPerWorker,
            retries == null ? 0 : retries,
            chunkSize == null ? 0 : chunkSize,
            codec == null ? JavaSerializationCodec.class : codec,
            allowClasses == null ? "" : allowClasses,
            classPath == null ? List.of() : classPath,
            new ProcessSettings.Limits(
                startTimeout == null ? ProcessSettings.Limits.DEFAULTS.start() : startTimeout,
                initializerTimeout == null ? ProcessSettings.Limits.DEFAULTS.initializer() : initializerTimeout,
                heartbeatTimeout == null ? ProcessSettings.Limits.DEFAULTS.heartbeat() : heartbeatTimeout),
            valueFileThreshold == null ? 0 : valueFileThreshold);
    return BackendPool.start(ps.common(), context -> ProcessBackend.start(ps, context));
  }
}
