package io.jpar.internal.process.wire;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * What a worker needs to know before its first task; the payload of the {@code CONFIG} frame.
 *
 * @param workerId the worker's number in its pool
 * @param codecClass the codec's class name
 * @param allowPatterns the serialization allow-list ({@code ""} for the default filter)
 * @param flushEachResult send every result at once (when tasks have a deadline, so that the parent
 *     always knows which input is running); otherwise results are batched
 * @param initializer the encoded initializer task, or an empty array for none
 */
public record WorkerConfig(
    int workerId, String codecClass, String allowPatterns, boolean flushEachResult, byte[] initializer) {

  public byte[] toBytes() throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(buf);
    out.writeInt(workerId);
    out.writeUTF(codecClass);
    out.writeUTF(allowPatterns);
    out.writeBoolean(flushEachResult);
    out.writeInt(initializer.length);
    out.write(initializer);
    out.flush();
    return buf.toByteArray();
  }

  public static WorkerConfig fromBytes(byte[] bytes) throws IOException {
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
    int id = in.readInt();
    String codec = in.readUTF();
    String allow = in.readUTF();
    boolean flushEach = in.readBoolean();
    byte[] init = new byte[in.readInt()];
    in.readFully(init);
    return new WorkerConfig(id, codec, allow, flushEach, init);
  }
}
