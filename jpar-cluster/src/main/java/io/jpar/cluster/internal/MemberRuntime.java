package io.jpar.cluster.internal;

import com.hazelcast.cluster.Address;
import com.hazelcast.core.HazelcastInstance;
import io.jpar.Pool;
import io.jpar.ProcessPoolBuilder;
import io.jpar.Task;
import io.jpar.TaskFuture;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.LongAdder;

/**
 * What a member does with the calls it receives: checks each one's MAC, decodes the task and inputs
 * with the member's class path, and runs them on a local jpar pool (threads, or worker processes when
 * isolated, so a task that crashes kills a worker, never the member). It lives in the Hazelcast
 * instance's user context, where the calls find it.
 *
 * <p>Thread safety: called concurrently from Hazelcast's executor threads; the pools map and the task
 * cache are its only shared state, each guarded by itself.
 */
public final class MemberRuntime implements AutoCloseable {
  public static final String KEY = "io.jpar.cluster.MemberRuntime";
  private static final int TASK_CACHE = 64;
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private final Secret secret;
  private final int workers;
  private final boolean isolated;
  private final List<Path> classPath;
  private final ClassLoader loader;
  private volatile String name = "(starting)";
  private volatile boolean closed;
  /** One local pool per task timeout (0 = none), made on first use. */
  private final Map<Long, Pool> pools = new ConcurrentHashMap<>();
  /** Decoded tasks by the SHA-256 of their bytes: a batch's chunks carry the same task. */
  private final Map<String, Task<Object, Object>> tasks = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Task<Object, Object>> eldest) {
      return size() > TASK_CACHE;
    }
  };

  public MemberRuntime(Secret secret, int workers, boolean isolated, List<Path> classPath, ClassLoader loader) {
    this.secret = secret;
    this.workers = workers;
    this.isolated = isolated;
    this.classPath = List.copyOf(classPath);
    this.loader = loader;
  }

  static MemberRuntime of(HazelcastInstance instance) {
    Object runtime = instance == null ? null : instance.getUserContext().get(KEY);
    if (runtime instanceof MemberRuntime r) {
      return r;
    }
    throw new IllegalStateException("this Hazelcast member is not a jpar member (nothing under " + KEY
        + " in its user context); start members with `jpar worker` or io.jpar.cluster.ClusterMember");
  }

  /** Called once the member is up, to name it in logs and replies. */
  public void started(HazelcastInstance instance) {
    Address a = instance.getCluster().getLocalMember().getAddress();
    name = a.getHost() + ":" + a.getPort();
  }

  public String name() {
    return name;
  }

  Reply hello(HelloCall call) {
    if (!secret.verifies(call.mac(), HelloCall.clientParts(call.nonce()))) {
      log("refused a pool's handshake: its shared secret does not match this member's");
      return new Reply.Refused(name, "the shared secret does not match the member's");
    }
    return new Reply.Hello(name, workers, secret.mac(HelloCall.memberParts(call.nonce())));
  }

  Reply run(ChunkCall call) {
    if (!secret.verifies(call.mac(), call.macParts())) {
      log("refused a chunk: its shared secret does not match this member's");
      return new Reply.Refused(name, "the shared secret does not match the member's");
    }
    if (closed) {
      return new Reply.Failed(name, "the member is shutting down", true);
    }
    Task<Object, Object> task;
    List<?> inputs;
    try {
      task = task(call.task());
      inputs = (List<?>) Wire.deserialize(call.inputs(), loader);
    } catch (ClassNotFoundException e) {
      return new Reply.MissingClass(name, e.getMessage());
    } catch (NoClassDefFoundError e) {
      return new Reply.MissingClass(name, String.valueOf(e.getMessage()).replace('/', '.'));
    } catch (IOException | RuntimeException | LinkageError e) {
      return new Reply.Failed(name, "could not decode the chunk: " + e, false);
    }
    return runOnLocalPool(task, inputs, call.timeoutNanos());
  }

  private Reply runOnLocalPool(Task<Object, Object> task, List<?> inputs, long timeoutNanos) {
    int n = inputs.size();
    LongAdder wall = new LongAdder();
    LongAdder cpu = new LongAdder();
    // In-process runs are timed one by one; worker processes only as a chunk (their clocks stay there).
    Task<Object, Object> run = isolated ? task : input -> {
      long w0 = System.nanoTime();
      long c0 = THREADS.getCurrentThreadCpuTime();
      try {
        return task.apply(input);
      } finally {
        wall.add(System.nanoTime() - w0);
        cpu.add(THREADS.getCurrentThreadCpuTime() - c0);
      }
    };
    Pool pool = pool(timeoutNanos);
    List<TaskFuture<Object>> futures = new ArrayList<>(n);
    long start = System.nanoTime();
    try {
      for (Object input : inputs) {
        futures.add(pool.submit(run, input));
      }
      boolean[] failed = new boolean[n];
      Object[] values = new Object[n];
      for (int i = 0; i < n; i++) {
        try {
          values[i] = futures.get(i).get();
        } catch (ExecutionException e) {
          failed[i] = true;
          values[i] = e.getCause();
        } catch (CancellationException e) {
          failed[i] = true;
          values[i] = e;
        }
      }
      long chunkWall = System.nanoTime() - start;
      return new Reply.Results(name, isolated ? chunkWall * Math.min(n, workers) : wall.sum(),
          isolated ? -1 : cpu.sum(), new Outcomes(failed, values).encode());
    } catch (InterruptedException e) {
      // The pool cancelled the chunk (terminate): stop what runs here too, so the workers are free again.
      futures.forEach(f -> f.cancel(true));
      Thread.currentThread().interrupt();
      return new Reply.Failed(name, "the chunk was cancelled", true);
    } catch (IllegalStateException e) {
      return new Reply.Failed(name, "the member's pool is closed: " + e.getMessage(), true);
    }
  }

  private Task<Object, Object> task(byte[] bytes) throws IOException, ClassNotFoundException {
    String key = sha256(bytes);
    synchronized (tasks) {
      Task<Object, Object> known = tasks.get(key);
      if (known != null) {
        return known;
      }
    }
    @SuppressWarnings("unchecked")
    Task<Object, Object> task = (Task<Object, Object>) Wire.deserialize(bytes, loader);
    synchronized (tasks) {
      tasks.put(key, task);
    }
    return task;
  }

  private Pool pool(long timeoutNanos) {
    return pools.computeIfAbsent(Math.max(0, timeoutNanos), t -> {
      if (isolated) {
        ProcessPoolBuilder b = Pool.processes().workers(workers).name("jpar-member");
        if (!classPath.isEmpty()) {
          b.classPath(classPath.toArray(Path[]::new));
        }
        return (t > 0 ? b.taskTimeout(Duration.ofNanos(t)) : b).build();
      }
      var b = Pool.threads().workers(workers).name("jpar-member");
      return (t > 0 ? b.taskTimeout(Duration.ofNanos(t)) : b).build();
    });
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available in this JDK", e);
    }
  }

  public void log(String message) {
    System.err.println(Instant.now() + " jpar member " + name + ": " + message);
  }

  /** Stops the local pools, cancelling what runs on them. */
  @Override
  public void close() {
    closed = true;
    pools.values().forEach(Pool::terminate);
  }
}
