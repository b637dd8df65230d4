package io.jpar.internal.process.wire;

import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * CONFIG, the parent's first message to a worker: what it needs to know before its first task.
 * {@code [i32 workerId][str codecClass][str allowPatterns][u8 flushEachResult][i32 heartbeatMillis][i32
 * initializerTimeoutMillis][bytes initializer][i32 valueFileThreshold][str valueFileDirectory]}.
 *
 * @param workerId the worker's number in its pool
 * @param codecClass the codec's class name
 * @param allowPatterns the serialization allow-list ({@code ""} for the default filter)
 * @param flushEachResult send every result at once (when tasks have a deadline, so that the parent
 *     always knows which input is running); otherwise results are batched
 * @param heartbeatMillis how often the worker says it is alive ({@link Heartbeat}); 0 for never
 * @param initializerTimeoutMillis how long the initializer may run before the worker reports it hung
 *     (with its stack) and exits; 0 for no limit
 * @param initializer the encoded initializer task, or an empty array for none; not copied
 * @param valueFileThreshold results of this many bytes and more go back through files ({@link
 *     ValueFiles}), and inputs may come so; 0 for never
 * @param valueFileDirectory where those files are, the caller's choice for the pool ({@code ""} when off)
 */
public record Config(int workerId, String codecClass, String allowPatterns, boolean flushEachResult, int heartbeatMillis,
    int initializerTimeoutMillis, byte[] initializer, int valueFileThreshold, String valueFileDirectory)
    implements Message.ToWorker {

  /** A configuration with big values through the pipe only. */
  public Config(int workerId, String codecClass, String allowPatterns, boolean flushEachResult, int heartbeatMillis,
      int initializerTimeoutMillis, byte[] initializer) {
    this(workerId, codecClass, allowPatterns, flushEachResult, heartbeatMillis, initializerTimeoutMillis, initializer, 0,
        "");
  }

  @Override
  public byte type() {
    return Frame.CONFIG;
  }

  @Override
  public int payloadLength() {
    return 4 + 4 + utf8(codecClass).length + 4 + utf8(allowPatterns).length + 1 + 4 + 4 + 4 + initializer.length + 4 + 4
        + utf8(valueFileDirectory).length;
  }

  @Override
  public void writePayload(DataOutputStream out) throws IOException {
    out.writeInt(workerId);
    writeBytes(out, utf8(codecClass));
    writeBytes(out, utf8(allowPatterns));
    out.writeBoolean(flushEachResult);
    out.writeInt(heartbeatMillis);
    out.writeInt(initializerTimeoutMillis);
    writeBytes(out, initializer);
    out.writeInt(valueFileThreshold);
    writeBytes(out, utf8(valueFileDirectory));
  }

  /** Reads the payload (the caller checks that nothing is left). */
  static Config read(PayloadReader r) throws IOException {
    return new Config(r.i32("worker id"), r.string("codec class"), r.string("allow patterns"),
        r.bool("flush each result"), r.index("heartbeat millis"), r.index("initializer timeout millis"),
        r.bytes("initializer"), r.index("value file threshold"), r.string("value file directory"));
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static void writeBytes(DataOutputStream out, byte[] b) throws IOException {
    out.writeInt(b.length);
    out.write(b);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Config c && c.workerId == workerId && c.codecClass.equals(codecClass)
        && c.allowPatterns.equals(allowPatterns) && c.flushEachResult == flushEachResult
        && c.heartbeatMillis == heartbeatMillis && c.initializerTimeoutMillis == initializerTimeoutMillis
        && Arrays.equals(c.initializer, initializer) && c.valueFileThreshold == valueFileThreshold
        && c.valueFileDirectory.equals(valueFileDirectory);
  }

  @Override
  public int hashCode() {
    return 31 * Objects.hash(workerId, codecClass, allowPatterns, flushEachResult, heartbeatMillis,
        initializerTimeoutMillis, valueFileThreshold, valueFileDirectory) + Arrays.hashCode(initializer);
  }

  @Override
  public String toString() {
    return "Config[workerId=" + workerId + ", codecClass=" + codecClass + ", allowPatterns=" + allowPatterns
        + ", flushEachResult=" + flushEachResult + ", heartbeatMillis=" + heartbeatMillis
        + ", initializerTimeoutMillis=" + initializerTimeoutMillis + ", initializer=" + initializer.length + " bytes"
        + ", valueFileThreshold=" + valueFileThreshold + ", valueFileDirectory=" + valueFileDirectory + "]";
  }
}
