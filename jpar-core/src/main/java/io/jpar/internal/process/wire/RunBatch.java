package io.jpar.internal.process.wire;

import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;

/**
 * BATCH: run a task over a chunk of inputs. {@code [i64 batchId][i32 taskId][bytes taskCode][values
 * inputs, to the end]}. A worker is sent a task's code once; after that the id names it.
 *
 * @param batchId the parent's number for this batch, echoed in its results
 * @param taskId the task's number in the pool
 * @param taskCode the encoded task, or an empty array when the worker has it already; not copied
 * @param inputs the chunk's inputs, encoded once by the parent (and re-sent as they are); read from a
 *     stream, raw values ({@code byte[]}, strings, buffers, primitive arrays) arrive decoded, each in its
 *     own array, and the rest as one checked block
 */
public record RunBatch(long batchId, int taskId, byte[] taskCode, EncodedValues inputs) implements Message.ToWorker {

  @Override
  public byte type() {
    return Frame.BATCH;
  }

  @Override
  public int payloadLength() {
    return 8 + 4 + 4 + taskCode.length + inputs.length();
  }

  @Override
  public void writePayload(DataOutputStream out) throws IOException {
    out.writeLong(batchId);
    out.writeInt(taskId);
    out.writeInt(taskCode.length);
    out.write(taskCode);
    inputs.writeTo(out);
  }

  /** Reads the payload (the caller checks that nothing is left). */
  static RunBatch read(PayloadReader r) throws IOException {
    long batchId = r.i64("batch id");
    int taskId = r.i32("task id");
    byte[] code = r.bytes("task code");
    EncodedValues inputs = Values.readFrom(r, "inputs");
    return new RunBatch(batchId, taskId, code, inputs);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RunBatch b && b.batchId == batchId && b.taskId == taskId && Arrays.equals(b.taskCode, taskCode)
        && b.inputs.equals(inputs);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * (31 * Long.hashCode(batchId) + taskId) + Arrays.hashCode(taskCode)) + inputs.hashCode();
  }

  @Override
  public String toString() {
    return "RunBatch[batchId=" + batchId + ", taskId=" + taskId + ", taskCode=" + taskCode.length + " bytes, inputs="
        + inputs + "]";
  }
}
