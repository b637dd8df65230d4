package io.jpar.internal.process.worker;

import io.jpar.Task;
import io.jpar.internal.process.wire.Config;
import io.jpar.internal.process.wire.EncodedValues;
import io.jpar.internal.process.wire.Fatal;
import io.jpar.internal.process.wire.Frame;
import io.jpar.internal.process.wire.Heartbeat;
import io.jpar.internal.process.wire.Hello;
import io.jpar.internal.process.wire.InitFailed;
import io.jpar.internal.process.wire.JavaSerializationCodec;
import io.jpar.internal.process.wire.Message;
import io.jpar.internal.process.wire.RemoteFailure;
import io.jpar.internal.process.wire.Results;
import io.jpar.internal.process.wire.RunBatch;
import io.jpar.internal.process.wire.SharedFiles;
import io.jpar.internal.process.wire.Shutdown;
import io.jpar.internal.process.wire.ValueFiles;
import io.jpar.internal.process.wire.Values;
import io.jpar.spi.Codec;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The {@code main} of a worker JVM. It owns the real stdout for frames and points {@code System.out}
 * at stderr before any user code loads, so nothing a task prints can corrupt the protocol. The main
 * thread reads frames and runs tasks one at a time; the end of stdin means the parent is gone (the
 * worker halts at once), and a watchdog halts the worker if the parent dies while a task runs.
 *
 * <p>Exit codes: 0 after SHUTDOWN, 2 if the parent vanished, 3 on a protocol error, 70 after a fatal
 * error in a task ({@link VirtualMachineError}), 71 when the initializer failed or ran past its limit.
 */
public final class WorkerMain {
  static final int EXIT_PARENT_GONE = 2;
  static final int EXIT_PROTOCOL = 3;
  static final int EXIT_FATAL = 70;
  static final int EXIT_INIT_FAILED = 71;
  /** Without a deadline, results are sent in bursts at most this far apart (amortizes the write). */
  private static final long FLUSH_NANOS = 20_000_000;
  /** At most this many failures per RESULTS message when a whole batch fails (see failAll). */
  private static final int FAILURE_SLICE = 4096;
  /** Inputs run this many at a time through {@link #runBlock} (one at a time when tasks have a deadline). */
  private static final int BLOCK = 64;

  private final DataOutputStream frames;
  private final DataInputStream in;
  private final Map<Integer, Task<Object, Object>> tasks = new HashMap<>();
  /** Why the code of a task could not be decoded here, by task id. */
  private final Map<Integer, Throwable> undecodable = new HashMap<>();
  private Codec codec;
  private Config config;
  /** Big values through files, as the parent's CONFIG says: results sent so, inputs read so. */
  private ValueFiles files = ValueFiles.off();
  /** The error that ended the last {@link #runBlock} early, if it did. */
  private VirtualMachineError fatalInBlock;

  private WorkerMain(DataOutputStream frames, DataInputStream in) {
    this.frames = frames;
    this.in = in;
  }

  public static void main(String[] args) throws Exception {
    DataOutputStream frames =
        new DataOutputStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16));
    System.setOut(new PrintStream(new FileOutputStream(FileDescriptor.err), true));
    TaskClock.start();
    startParentWatchdog();
    new WorkerMain(frames, new DataInputStream(new BufferedInputStream(new FileInputStream(FileDescriptor.in), 1 << 16)))
        .run();
  }

  /**
   * The main thread reads stdin itself between tasks (a reader thread would add a thread hand-off to
   * every round trip); while a task runs, this watchdog notices a dead parent instead. A parent's death
   * reparents us at once, so a changed parent pid is the signal; it is checked 10 times a second.
   */
  private static void startParentWatchdog() {
    long parentPid = ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(-1L);
    if (parentPid < 0) {
      return;
    }
    parentTag = SharedFiles.ownerTag(ProcessHandle.current().parent().orElseThrow());
    Thread watchdog = new Thread(() -> {
      while (true) {
        try {
          Thread.sleep(100);
        } catch (InterruptedException e) {
          return;
        }
        long now = ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(-1L);
        if (now != parentPid) {
          parentGone();
        }
      }
    }, "jpar-worker-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();
  }

  /** The next message from the parent; the end of stdin means the parent is gone. */
  private Message.ToWorker nextMessage() {
    try {
      return Message.ToWorker.readFrom(in, files);
    } catch (EOFException e) {
      parentGone();
    } catch (IOException e) {
      protocolError("cannot read from the parent: " + e);
    }
    throw new AssertionError("halted");
  }

  /** Whose shared files to delete should the parent die: its pid and start time, or null if unknown. */
  private static volatile String parentTag;

  /**
   * The parent died without closing the pool (killed, or it crashed): delete the shared files it can
   * no longer delete itself (the sibling workers may race to do the same; deleting twice is harmless),
   * then halt.
   */
  private static void parentGone() {
    String tag = parentTag;
    if (tag != null) {
      SharedFiles.deleteOwnedBy(tag);
    }
    SharedFiles.deleteOwnedBy(SharedFiles.ownerTag(ProcessHandle.current())); // results nobody will read
    Runtime.getRuntime().halt(EXIT_PARENT_GONE);
  }

  private static void protocolError(String problem) {
    System.err.println("jpar worker: " + problem);
    Runtime.getRuntime().halt(EXIT_PROTOCOL);
  }

  private void run() throws Exception {
    Message.ToWorker first = nextMessage();
    if (!(first instanceof Config c)) {
      protocolError("expected CONFIG first, got " + first);
      return;
    }
    config = c;
    if (c.valueFileThreshold() > 0) {
      files = ValueFiles.of(Path.of(c.valueFileDirectory()), c.valueFileThreshold(), parentTag);
    }
    startHeartbeat();
    codec = createCodec(config);
    initialize();
    send(new Hello(ProcessHandle.current().pid()));
    while (true) {
      switch (nextMessage()) {
        case RunBatch b -> runBatch(b);
        case Shutdown s -> {
          synchronized (frames) {
            frames.flush();
          }
          System.exit(0);
        }
        case Config again -> protocolError("a second CONFIG: " + again);
      }
    }
  }

  private static Codec createCodec(Config config) throws ReflectiveOperationException {
    if (config.codecClass().equals(JavaSerializationCodec.class.getName())) {
      return new JavaSerializationCodec(config.allowPatterns());
    }
    return (Codec) Class.forName(config.codecClass()).getConstructor().newInstance();
  }

  /**
   * Says "alive" every {@link Config#heartbeatMillis} from a daemon thread of its own, through the same
   * stream as the results and under its lock, so frames never interleave. It runs whatever the main
   * thread does: a task computing for minutes is not silent, while a stopped or frozen JVM is.
   */
  private void startHeartbeat() {
    long every = config.heartbeatMillis();
    if (every <= 0) {
      return;
    }
    Thread beat = new Thread(() -> {
      try {
        while (true) {
          send(new Heartbeat());
          Thread.sleep(every);
        }
      } catch (IOException | InterruptedException e) {
        // the parent is gone (the main thread notices and halts) or the JVM is exiting
      }
    }, "jpar-worker-heartbeat");
    beat.setDaemon(true);
    beat.start();
  }

  @SuppressWarnings("unchecked")
  private void initialize() throws IOException, InterruptedException {
    if (config.initializer().length == 0) {
      return;
    }
    AtomicBoolean over = new AtomicBoolean();
    Thread main = Thread.currentThread();
    if (config.initializerTimeoutMillis() > 0) {
      startInitializerWatchdog(main, over);
    }
    try {
      Task<Object, Object> init = (Task<Object, Object>) Values.decodeOne(config.initializer(), codec);
      init.apply(config.workerId());
    } catch (Throwable t) {
      if (over.compareAndSet(false, true)) {
        send(new InitFailed(false, encodeFailure(t)));
        Runtime.getRuntime().halt(EXIT_INIT_FAILED);
      }
    }
    if (!over.compareAndSet(false, true)) {
      Thread.sleep(Long.MAX_VALUE); // the watchdog is reporting the hang and halting the JVM
    }
  }

  /**
   * Past the initializer's limit, reports it as hung with the stack it is stuck in — taken here, where
   * it runs, which is what the caller needs to see — and halts the worker. {@code over} decides who
   * reports: the initializer's own end or this watchdog, whichever comes first.
   */
  private void startInitializerWatchdog(Thread init, AtomicBoolean over) {
    long limit = config.initializerTimeoutMillis();
    Thread watchdog = new Thread(() -> {
      try {
        Thread.sleep(limit);
      } catch (InterruptedException e) {
        return;
      }
      if (!over.compareAndSet(false, true)) {
        return;
      }
      // A JDK type, so that it decodes in the caller whatever its filter; its stack is the initializer's.
      TimeoutException hung = new TimeoutException(
          "the initializer did not return within its limit of " + limit + " ms (initializerTimeout); this is where it was");
      hung.setStackTrace(init.getStackTrace());
      try {
        send(new InitFailed(true, encodeFailure(hung)));
      } catch (IOException e) {
        // the parent is gone; nothing to tell
      }
      Runtime.getRuntime().halt(EXIT_INIT_FAILED);
    }, "jpar-worker-init-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();
  }

  @SuppressWarnings("unchecked")
  private void runBatch(RunBatch batch) throws Exception {
    long batchId = batch.batchId();
    Object[] inputs;
    Task<Object, Object> task;
    try {
      if (batch.taskCode().length > 0) {
        try {
          tasks.put(batch.taskId(), (Task<Object, Object>) Values.decodeOne(batch.taskCode(), codec));
          undecodable.remove(batch.taskId());
        } catch (Exception | LinkageError e) {
          undecodable.put(batch.taskId(), e);
          throw e;
        }
      }
      task = tasks.get(batch.taskId());
      Throwable undecoded = undecodable.get(batch.taskId());
      if (task == null && undecoded instanceof Exception e) {
        throw e; // the parent sends a task's code once: its later batches fail for the same reason
      } else if (task == null && undecoded instanceof LinkageError e) {
        throw e;
      } else if (task == null) {
        throw new IllegalStateException("task " + batch.taskId() + " was never sent to this worker");
      }
      inputs = Values.read(batch.inputs(), codec);
    } catch (Exception | LinkageError e) {
      // The chunk cannot even be read here (a class missing in the worker, a filter refusal):
      // every input in it fails with that reason; the worker itself is fine.
      failAll(batchId, batch.inputs().count(), e);
      return;
    }
    if (config.flushEachResult() && inputs.length > 0) {
      // Tasks have a deadline: say "started" now, so that decoding a cold task does not eat its time.
      sendResults(batchId, 0, new Object[0], false, 0, 0);
    }
    Object[] results = new Object[inputs.length];
    int sentUpTo = 0;
    long lastFlush = System.nanoTime();
    // The time the task ran, not the batch's: encoding and writing results (which may block on the
    // pipe) between blocks is the pool's overhead, and would read as the task waiting when tasks are
    // tiny. Clocks are read per flush, not per block, so that tiny tasks do not pay for them.
    long batchStart = lastFlush;
    long delayStart = TaskClock.runDelay();
    long gcStart = TaskClock.gcNanos();
    long segmentStart = lastFlush;
    long segmentCpu = TaskClock.threadCpu();
    boolean timed = segmentCpu >= 0; // no CPU clock at the start: no figures, not a wrong ratio
    long taskWall = 0;
    long taskCpu = 0;
    int block = config.flushEachResult() ? 1 : BLOCK;
    for (int i = 0; i < inputs.length; ) {
      int stopped = runBlock(task, inputs, results, i, Math.min(inputs.length, i + block), lastFlush + FLUSH_NANOS);
      if (fatalInBlock != null) {
        // The JVM may be damaged (stack overflow inside a lock, an internal error): report and die.
        sendResults(batchId, sentUpTo, Arrays.copyOfRange(results, sentUpTo, stopped), false, 0, 0);
        send(new Fatal(batchId, stopped, encodeFailure(fatalInBlock)));
        Runtime.getRuntime().halt(EXIT_FATAL);
      }
      i = stopped;
      long now = System.nanoTime();
      boolean last = i == inputs.length;
      if (last || config.flushEachResult() || now - lastFlush >= FLUSH_NANOS) {
        if (timed) {
          taskCpu += TaskClock.threadCpu() - segmentCpu;
          taskWall += now - segmentStart;
        }
        long wall = last && timed ? TaskClock.ranWall(taskWall, taskCpu, batchStart, delayStart, gcStart) : 0;
        sendResults(batchId, sentUpTo, Arrays.copyOfRange(results, sentUpTo, i), last, wall,
            wall > 0 ? Math.min(taskCpu, wall) : 0);
        sentUpTo = i;
        lastFlush = now;
        segmentStart = System.nanoTime();
        segmentCpu = timed ? TaskClock.threadCpu() : 0;
      }
    }
    if (inputs.length == 0) {
      sendResults(batchId, 0, new Object[0], true, 0, 0);
    }
  }

  /**
   * Runs inputs {@code [from, to)}, or stops early once {@code System.nanoTime()} reaches {@code
   * flushAt}, so results of slow tasks are not held back; returns the index after the last input run,
   * or that of the input whose task threw a {@link VirtualMachineError} (left in {@link #fatalInBlock}).
   * Inputs run in blocks of {@link #BLOCK} through this small method because the JIT compiles it within
   * the first chunk, while one loop over a whole chunk would stay interpreted until on-stack
   * replacement (tens of thousands of iterations).
   */
  private int runBlock(Task<Object, Object> task, Object[] inputs, Object[] results, int from, int to, long flushAt) {
    for (int i = from; i < to; i++) {
      try {
        results[i] = task.apply(inputs[i]);
      } catch (VirtualMachineError fatal) {
        fatalInBlock = fatal;
        return i;
      } catch (Throwable t) {
        results[i] = RemoteFailure.of(t, safeEncode(t));
      }
      inputs[i] = null;
      if (System.nanoTime() - flushAt >= 0) {
        return i + 1;
      }
    }
    return to;
  }

  /**
   * Fails the batch's {@code count} inputs with one reason. The count is what the parent's frame says
   * (for a codec block nothing else backs it), so the failures go in slices of bounded size.
   */
  private void failAll(long batchId, int count, Throwable why) throws IOException {
    RemoteFailure f = RemoteFailure.of(why, safeEncode(why));
    int from = 0;
    do {
      Object[] failures = new Object[Math.min(FAILURE_SLICE, count - from)];
      Arrays.fill(failures, f);
      sendResults(batchId, from, failures, from + failures.length == count, 0, 0);
      from += failures.length;
    } while (from < count);
  }

  /** Set once by {@link #startThreadBean}; null until the management API has started. */
  /** The next results of a batch: the batch's wall and CPU time go with the last. */
  private void sendResults(long batchId, int from, Object[] values, boolean last, long wallNanos, long cpuNanos)
      throws IOException {
    EncodedValues block;
    try {
      block = Values.encode(values, codec);
    } catch (IOException | RuntimeException e) {
      // Some result will not encode: find which, and send those as failures naming the type.
      block = Values.encode(encodableOrFailure(values), codec);
    }
    ValueFiles.Spilled spilled = files.spill(block);
    try {
      send(new Results(batchId, from, last, wallNanos, cpuNanos, spilled.block()));
    } catch (IOException e) {
      spilled.delete(); // the parent is gone: nobody will read them
      throw e;
    }
  }

  private Object[] encodableOrFailure(Object[] values) {
    Object[] out = values.clone();
    for (int i = 0; i < out.length; i++) {
      if (out[i] instanceof RemoteFailure) {
        continue;
      }
      try {
        Values.encodeOne(out[i], codec);
      } catch (IOException | RuntimeException e) {
        IllegalStateException why = new IllegalStateException(
            "the task's result (" + out[i].getClass().getName() + ") could not be sent back: " + e, e);
        out[i] = RemoteFailure.of(why, safeEncode(why));
      }
    }
    return out;
  }

  private byte[] safeEncode(Throwable t) {
    try {
      return Values.encodeOne(t, codec);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private byte[] encodeFailure(Throwable t) throws IOException {
    return Values.encodeOne(RemoteFailure.of(t, safeEncode(t)), codec);
  }

  /** Writes one frame; under the stream's lock, as the heartbeat thread writes too. */
  private void send(Message.ToParent message) throws IOException {
    synchronized (frames) {
      message.writeTo(frames);
      frames.flush();
    }
  }
}
