package io.jpar.internal.process.worker;

import io.jpar.Task;
import io.jpar.internal.process.wire.Frame;
import io.jpar.internal.process.wire.JavaSerializationCodec;
import io.jpar.internal.process.wire.RemoteFailure;
import io.jpar.internal.process.wire.Values;
import io.jpar.internal.process.wire.WorkerConfig;
import io.jpar.spi.Codec;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.util.HashMap;
import java.util.Map;

/**
 * The {@code main} of a worker JVM. It owns the real stdout for frames and points {@code System.out}
 * at stderr before any user code loads, so nothing a task prints can corrupt the protocol. The main
 * thread reads frames and runs tasks one at a time; the end of stdin means the parent is gone (the
 * worker halts at once), and a watchdog halts the worker if the parent dies while a task runs.
 *
 * <p>Exit codes: 0 after SHUTDOWN, 2 if the parent vanished, 3 on a protocol error, 70 after a fatal
 * error in a task ({@link VirtualMachineError}), 71 when the initializer failed.
 */
public final class WorkerMain {
  static final int EXIT_PARENT_GONE = 2;
  static final int EXIT_PROTOCOL = 3;
  static final int EXIT_FATAL = 70;
  static final int EXIT_INIT_FAILED = 71;
  /** Without a deadline, results are sent in bursts at most this far apart (amortizes the write). */
  private static final long FLUSH_NANOS = 20_000_000;

  private final DataOutputStream frames;
  private final DataInputStream in;
  private final Map<Integer, Task<Object, Object>> tasks = new HashMap<>();
  private Codec codec;
  private WorkerConfig config;

  private WorkerMain(DataOutputStream frames, DataInputStream in) {
    this.frames = frames;
    this.in = in;
  }

  public static void main(String[] args) throws Exception {
    DataOutputStream frames =
        new DataOutputStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16));
    System.setOut(new PrintStream(new FileOutputStream(FileDescriptor.err), true));
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
    Thread watchdog = new Thread(() -> {
      while (true) {
        try {
          Thread.sleep(100);
        } catch (InterruptedException e) {
          return;
        }
        long now = ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(-1L);
        if (now != parentPid) {
          Runtime.getRuntime().halt(EXIT_PARENT_GONE);
        }
      }
    }, "jpar-worker-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();
  }

  /** The next frame from the parent; the end of stdin means the parent is gone. */
  private Frame nextFrame() {
    try {
      return Frame.readFrom(in);
    } catch (EOFException e) {
      Runtime.getRuntime().halt(EXIT_PARENT_GONE);
    } catch (IOException e) {
      System.err.println("jpar worker: cannot read from the parent: " + e);
      Runtime.getRuntime().halt(EXIT_PROTOCOL);
    }
    throw new AssertionError("halted");
  }

  private void run() throws Exception {
    Frame first = nextFrame();
    if (first.type() != Frame.CONFIG) {
      throw new IllegalStateException("expected CONFIG first, got frame type " + first.type());
    }
    config = WorkerConfig.fromBytes(first.payload());
    codec = createCodec(config);
    initialize();
    send(Frame.HELLO, out -> out.writeLong(ProcessHandle.current().pid()));
    while (true) {
      Frame f = nextFrame();
      switch (f.type()) {
        case Frame.BATCH -> runBatch(f.payload());
        case Frame.SHUTDOWN -> {
          frames.flush();
          System.exit(0);
        }
        default -> {
          System.err.println("jpar worker: unexpected frame type " + f.type());
          Runtime.getRuntime().halt(EXIT_PROTOCOL);
        }
      }
    }
  }

  private static Codec createCodec(WorkerConfig config) throws ReflectiveOperationException {
    if (config.codecClass().equals(JavaSerializationCodec.class.getName())) {
      return new JavaSerializationCodec(config.allowPatterns());
    }
    return (Codec) Class.forName(config.codecClass()).getConstructor().newInstance();
  }

  @SuppressWarnings("unchecked")
  private void initialize() throws IOException {
    if (config.initializer().length == 0) {
      return;
    }
    try {
      Task<Object, Object> init = (Task<Object, Object>) Values.decodeOne(config.initializer(), codec);
      init.apply(config.workerId());
    } catch (Throwable t) {
      byte[] failure = encodeFailure(t);
      send(Frame.INIT_FAILED, out -> out.write(failure));
      frames.flush();
      Runtime.getRuntime().halt(EXIT_INIT_FAILED);
    }
  }

  @SuppressWarnings("unchecked")
  private void runBatch(byte[] payload) throws Exception {
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload));
    long batchId = in.readLong();
    int taskId = in.readInt();
    byte[] taskBytes = new byte[in.readInt()];
    in.readFully(taskBytes);
    Object[] inputs;
    Task<Object, Object> task;
    try {
      if (taskBytes.length > 0) {
        tasks.put(taskId, (Task<Object, Object>) Values.decodeOne(taskBytes, codec));
      }
      task = tasks.get(taskId);
      if (task == null) {
        throw new IllegalStateException("task " + taskId + " was never sent to this worker");
      }
      inputs = Values.read(in, codec);
    } catch (Exception | LinkageError e) {
      // The chunk cannot even be read here (a class missing in the worker, a filter refusal):
      // every input in it fails with that reason; the worker itself is fine.
      int n = countInputs(payload);
      Object[] failures = new Object[n];
      RemoteFailure f = RemoteFailure.of(e, safeEncode(e));
      java.util.Arrays.fill(failures, f);
      sendResults(batchId, 0, failures, n, true, 0);
      return;
    }
    if (config.flushEachResult() && inputs.length > 0) {
      // Tasks have a deadline: say "started" now, so that decoding a cold task does not eat its time.
      sendResults(batchId, 0, new Object[0], 0, false, 0);
    }
    Object[] results = new Object[inputs.length];
    int sentUpTo = 0;
    long lastFlush = System.nanoTime();
    long started = lastFlush;
    long cpuStarted = threadCpu();
    for (int i = 0; i < inputs.length; i++) {
      try {
        results[i] = task.apply(inputs[i]);
      } catch (VirtualMachineError fatal) {
        // The JVM may be damaged (stack overflow inside a lock, an internal error): report and die.
        sendResults(batchId, sentUpTo, java.util.Arrays.copyOfRange(results, sentUpTo, i), i - sentUpTo, false, 0);
        byte[] failure = encodeFailure(fatal);
        int index = i;
        send(Frame.FATAL, out -> {
          out.writeLong(batchId);
          out.writeInt(index);
          out.write(failure);
        });
        frames.flush();
        Runtime.getRuntime().halt(EXIT_FATAL);
      } catch (Throwable t) {
        results[i] = RemoteFailure.of(t, safeEncode(t));
      }
      inputs[i] = null;
      long now = System.nanoTime();
      boolean last = i == inputs.length - 1;
      if (last || config.flushEachResult() || now - lastFlush >= FLUSH_NANOS) {
        sendResults(batchId, sentUpTo, java.util.Arrays.copyOfRange(results, sentUpTo, i + 1), i + 1 - sentUpTo, last,
            last ? now - started : 0, last ? threadCpu() - cpuStarted : 0);
        sentUpTo = i + 1;
        lastFlush = now;
      }
    }
    if (inputs.length == 0) {
      sendResults(batchId, 0, new Object[0], 0, true, 0);
    }
  }

  private static int countInputs(byte[] payload) throws IOException {
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload));
    in.readLong();
    in.readInt();
    in.skipBytes(in.readInt());
    in.readByte();
    return in.readInt();
  }

  private static long threadCpu() {
    return java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
  }

  private void sendResults(long batchId, int from, Object[] values, int count, boolean last, long computeNanos)
      throws IOException {
    sendResults(batchId, from, values, count, last, computeNanos, 0);
  }

  /** A RESULTS frame: batch id, first index, last?, the batch's wall and CPU time (on the last), values. */
  private void sendResults(long batchId, int from, Object[] values, int count, boolean last, long computeNanos,
      long cpuNanos) throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream(64 + 8 * count);
    DataOutputStream out = new DataOutputStream(body);
    out.writeLong(batchId);
    out.writeInt(from);
    out.writeBoolean(last);
    out.writeLong(computeNanos);
    out.writeLong(cpuNanos);
    try {
      Values.write(out, values, codec);
    } catch (IOException | RuntimeException e) {
      // Some result will not encode: find which, and send those as failures naming the type.
      body.reset();
      out.writeLong(batchId);
      out.writeInt(from);
      out.writeBoolean(last);
      out.writeLong(computeNanos);
      out.writeLong(cpuNanos);
      Values.write(out, encodableOrFailure(values), codec);
    }
    out.flush();
    new Frame(Frame.RESULTS, body.toByteArray()).writeTo(frames);
    frames.flush();
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

  private interface Body {
    void write(DataOutputStream out) throws IOException;
  }

  private void send(byte type, Body body) throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(buf);
    body.write(out);
    out.flush();
    new Frame(type, buf.toByteArray()).writeTo(frames);
    frames.flush();
  }
}
