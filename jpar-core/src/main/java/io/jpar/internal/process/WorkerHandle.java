package io.jpar.internal.process;

import io.jpar.internal.GuardedBy;
import io.jpar.internal.process.wire.Config;
import io.jpar.internal.process.wire.Frame;
import io.jpar.internal.process.wire.Message;
import io.jpar.internal.process.wire.RemoteFailure;
import io.jpar.internal.process.wire.RunBatch;
import io.jpar.internal.process.wire.SharedFiles;
import io.jpar.internal.process.wire.ValueFiles;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * One worker JVM as the parent sees it: the process, a writer to its stdin (frames never interleave:
 * sends hold the writer's monitor), a reader thread for its stdout frames and a drainer thread for its
 * stderr, which forwards each line to the parent's stderr with the worker's name and keeps the last
 * lines for crash reports. Its standing in the pool is {@link #poolState}, which only {@link
 * DispatchState} reads and writes, under its lock; the rest is safe to use from any thread.
 */
final class WorkerHandle {
  private static final int TAIL_LINES = 20;
  static final String KILLED_FOR_CANCEL = "its task was cancelled";
  static final String KILLED_FOR_TIMEOUT = "its task ran past the timeout";
  static final String KILLED_FOR_PROTOCOL = "it broke the protocol";
  static final String KILLED_FOR_READ_FAILURE = "reading from it failed";
  static final String KILLED_FOR_TERMINATE = "the pool was terminated";
  /** Prefix of the reason for a worker that went silent; the rest says for how long and the usual causes. */
  static final String KILLED_FOR_SILENCE = "it stopped responding";
  /** Prefix of the reason for a worker whose JVM did not answer in time after it was started. */
  static final String KILLED_FOR_START = "its JVM did not start";

  final int id;
  final String name;
  private final Process process;
  private final DataOutputStream toWorker;
  private final ArrayDeque<String> stderrTail = new ArrayDeque<>();
  @GuardedBy("toWorker") private final Set<Integer> knownTasks = new HashSet<>();
  private final Thread stderrDrainer;
  /** Who its files belong to ({@link SharedFiles#ownerTag}), taken while it runs. */
  private final String ownerTag;
  /** Big values through files: this pool's, accepting this worker's files only. */
  private final ValueFiles files;
  /**
   * The files written for the batch sent to it, until it has read them (they are then gone) or died;
   * after its death ({@code gone}) nothing more is tracked: a file written then is deleted at once.
   */
  @GuardedBy("sentFiles") private final List<Path> sentFiles = new ArrayList<>();
  @GuardedBy("sentFiles") private boolean gone;

  /** Its standing in the pool (its batch, tasks run, ready, retiring, condemned): only {@link DispatchState} reads it. */
  final DispatchState.WorkerState poolState = new DispatchState.WorkerState();
  // Why the pool killed it (timeout, cancel, protocol error), or null for a death the pool did not cause.
  volatile String killedBecause;
  // Why the pool asked it to exit (maxTasksPerWorker, shutdown), or null: its end is then a retirement.
  volatile String retiredBecause;
  /** When its process was started, for the handshake time in the JFR event. */
  final long startedNanos = System.nanoTime();
  // What the worker reported just before dying, if it could.
  volatile RemoteFailure fatal;
  volatile int fatalIndex = -1;
  volatile RemoteFailure initFailure;
  /** Whether {@link #initFailure} says the initializer ran past its limit (its trace is where it hung). */
  volatile boolean initHung;
  /** When the last bytes came from it (a frame or part of one), for the liveness check; written by its reader. */
  volatile long lastHeardNanos = startedNanos;
  /** Whether any bytes came from it yet: its JVM is up and jpar's code runs. Written by its reader. */
  volatile boolean heard;
  /** Whether it answered its handshake (after its initializer). Written by its reader. */
  volatile boolean answered;

  private WorkerHandle(int id, String name, Process process, PrintStream forward, ValueFiles files) {
    this.id = id;
    this.name = name;
    this.process = process;
    this.ownerTag = SharedFiles.ownerTag(process.toHandle());
    this.files = files.withPeer(ownerTag, this::heardNow);
    this.toWorker = new DataOutputStream(new BufferedOutputStream(process.getOutputStream(), 1 << 16));
    this.stderrDrainer = new Thread(() -> drain(forward), name + "-stderr");
    stderrDrainer.setDaemon(true);
  }

  /** Starts the process, sends its configuration and starts the threads that listen to it. */
  static WorkerHandle start(int id, String name, ProcessBuilder pb, Config config, ProcessBackend pool, PrintStream forward)
      throws IOException {
    Process p = pb.start();
    WorkerHandle w = new WorkerHandle(id, name, p, forward, pool.valueFiles);
    w.stderrDrainer.start();
    Thread reader = new Thread(() -> w.read(pool), name + "-reader");
    reader.setDaemon(true);
    reader.start();
    try {
      w.send(config);
    } catch (IOException e) {
      // It died at once; the reader reports the death with its stderr.
    }
    return w;
  }

  long pid() {
    return process.pid();
  }

  void send(Message.ToWorker message) throws IOException {
    synchronized (toWorker) {
      message.writeTo(toWorker);
      toWorker.flush();
    }
  }

  /**
   * Sends a batch, its big inputs through files when the pool says so; the files are this worker's to
   * read, and the pool's to delete if it never does ({@link #deleteValueFiles}).
   */
  void sendBatch(RunBatch batch) throws IOException {
    ValueFiles.Spilled spilled = files.spill(batch.inputs());
    synchronized (sentFiles) {
      if (gone) {
        spilled.delete();
        throw new IOException(this + " is gone");
      }
      sentFiles.addAll(spilled.files());
    }
    try {
      send(spilled.files().isEmpty() ? batch
          : new RunBatch(batch.batchId(), batch.taskId(), batch.taskCode(), spilled.block()));
    } catch (IOException e) {
      spilled.delete();
      throw e;
    }
  }

  /** The worker has read its batch (it answered with results): the files sent with it are gone. */
  void batchRead() {
    List<Path> read;
    synchronized (sentFiles) {
      if (sentFiles.isEmpty()) {
        return;
      }
      read = List.copyOf(sentFiles);
      sentFiles.clear();
    }
    ValueFiles.Spilled.deleteAll(read); // already deleted by the worker; a no-op kept as a backstop
  }

  /**
   * After its death: deletes the files sent to it that it did not read, and the files it wrote for
   * results the pool did not read (a worker killed while a big result crossed).
   */
  void deleteValueFiles() {
    List<Path> unread;
    synchronized (sentFiles) {
      gone = true;
      unread = List.copyOf(sentFiles);
      sentFiles.clear();
    }
    ValueFiles.Spilled.deleteAll(unread);
    if (files.threshold() > 0) {
      SharedFiles.deleteOwnedBy(ownerTag);
    }
  }

  /** Records that this worker now has the task's code; true if it had to be sent. */
  boolean learn(int taskId) {
    synchronized (toWorker) {
      return knownTasks.add(taskId);
    }
  }

  void forget(int taskId) {
    synchronized (toWorker) {
      knownTasks.remove(taskId);
    }
  }

  private void read(ProcessBackend pool) {
    DataInputStream in = new DataInputStream(new BufferedInputStream(new Listening(process.getInputStream()), 1 << 16));
    try {
      while (true) {
        pool.onMessage(this, Message.ToParent.readFrom(in, files));
      }
    } catch (Frame.ProtocolException e) {
      salvageStdout(in, e);
    } catch (EOFException e) {
      // the worker is gone
    } catch (IOException | RuntimeException e) {
      kill(KILLED_FOR_READ_FAILURE + " (" + e + ")");
    }
    pool.onDeath(this);
  }

  /**
   * Notes the time whenever bytes arrive, not only whole frames: a large frame takes a while to cross,
   * and a worker sending one is not silent.
   */
  private final class Listening extends FilterInputStream {
    Listening(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      heardNow();
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        heardNow();
      }
      return n;
    }
  }

  /** Bytes came from it: through its stdout, or a value file it wrote being read. */
  private void heardNow() {
    lastHeardNanos = System.nanoTime();
    heard = true;
  }

  /**
   * Bytes that are not a frame: usually the JVM itself printing on its way out (an OOM exit, a fatal
   * error report). Give it a moment to finish dying, keep what it printed for the crash report, and
   * kill it only if it does not end by itself.
   */
  private void salvageStdout(DataInputStream in, Frame.ProtocolException e) {
    try {
      if (!process.waitFor(1, TimeUnit.SECONDS)) {
        kill(KILLED_FOR_PROTOCOL + " (" + e.getMessage() + ")");
      }
      byte[] rest = in.readNBytes(8 * 1024);
      if (e.strayByte() >= 0) { // the frame reader took the first byte of the message for a magic byte
        byte[] whole = new byte[rest.length + 1];
        whole[0] = (byte) e.strayByte();
        System.arraycopy(rest, 0, whole, 1, rest.length);
        rest = whole;
      }
      for (String line : new String(rest, StandardCharsets.UTF_8).split("\\R")) {
        if (!line.isBlank()) {
          addTail("(stdout) " + line);
        }
      }
    } catch (IOException | InterruptedException ignored) {
      kill(KILLED_FOR_PROTOCOL + " (" + e.getMessage() + ")");
    }
  }

  private void addTail(String line) {
    synchronized (stderrTail) {
      if (stderrTail.size() == TAIL_LINES) {
        stderrTail.removeFirst();
      }
      stderrTail.addLast(line);
    }
  }

  private void drain(PrintStream forward) {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        addTail(line);
        forward.println("[" + name + "] " + line);
      }
    } catch (IOException e) {
      // the stream closed with the process
    }
  }

  /** The last stderr lines; waits briefly for the drainer so that a dying worker's last words are in. */
  List<String> stderrTail() {
    try {
      stderrDrainer.join(500);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (stderrTail) {
      return List.copyOf(stderrTail);
    }
  }

  /** Kills the worker and its descendants at once, noting why (the first reason wins). */
  void kill(String because) {
    if (killedBecause == null) {
      killedBecause = because;
    }
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
  }

  /** Waits for the process to end and returns its exit code; kills it if it does not end in time. */
  int awaitExit(long timeoutMillis) {
    try {
      if (!process.waitFor(timeoutMillis, TimeUnit.MILLISECONDS)) {
        kill("it did not exit when asked");
        process.waitFor(5, TimeUnit.SECONDS);
      }
      return process.isAlive() ? -1 : process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /** The kind of death, for the JFR event: what killed it, or a crash if the pool did not. */
  String deathCause() {
    String k = killedBecause;
    if (k == null) {
      return "crash";
    }
    if (k.equals(KILLED_FOR_CANCEL)) {
      return "cancel kill";
    }
    if (k.startsWith(KILLED_FOR_TIMEOUT)) {
      return "timeout kill";
    }
    if (k.startsWith(KILLED_FOR_PROTOCOL) || k.startsWith(KILLED_FOR_READ_FAILURE)) {
      return "protocol error";
    }
    if (k.equals(KILLED_FOR_TERMINATE)) {
      return "terminate kill";
    }
    if (k.startsWith(KILLED_FOR_SILENCE)) {
      return "silence kill";
    }
    if (k.startsWith(KILLED_FOR_START)) {
      return "start timeout kill";
    }
    return "other kill";
  }

  @Override
  public String toString() {
    return name + "(pid " + pid() + ")";
  }
}
