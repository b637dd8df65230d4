package io.jpar.internal.process.wire;

import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;

/**
 * FATAL: a task threw a {@link VirtualMachineError}; the worker halts after sending this, so that the
 * parent blames exactly that input. {@code [i64 batchId][i32 index][failure, to the end]}.
 *
 * @param batchId the batch that was running
 * @param index the input's index in the batch
 * @param failure the codec's encoding of the {@link RemoteFailure}; not copied
 */
public record Fatal(long batchId, int index, byte[] failure) implements Message.ToParent {
  @Override
  public byte type() {
    return Frame.FATAL;
  }

  @Override
  public int payloadLength() {
    return 8 + 4 + failure.length;
  }

  @Override
  public void writePayload(DataOutputStream out) throws IOException {
    out.writeLong(batchId);
    out.writeInt(index);
    out.write(failure);
  }

  /** Reads the payload (the caller checks that nothing is left). */
  static Fatal read(PayloadReader r) throws IOException {
    return new Fatal(r.i64("batch id"), r.index("input index"), r.rest());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Fatal f && f.batchId == batchId && f.index == index && Arrays.equals(f.failure, failure);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * Long.hashCode(batchId) + index) + Arrays.hashCode(failure);
  }

  @Override
  public String toString() {
    return "Fatal[batchId=" + batchId + ", index=" + index + ", failure=" + failure.length + " bytes]";
  }
}
