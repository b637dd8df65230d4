package io.jpar.internal.process.wire;

import java.io.DataOutputStream;
import java.io.IOException;

/**
 * RESULTS: the next results of a batch, in input order. {@code [i64 batchId][i32 from][u8 last][i64
 * wallNanos][i64 cpuNanos][values, to the end]}. An empty one before the first result says that the
 * worker has decoded the batch and begun.
 *
 * @param batchId the batch they belong to
 * @param from the index in the batch of the first of them
 * @param last whether they end the batch
 * @param wallNanos on the last: the time the batch's tasks ran in the worker (not encoding or sending), else 0
 * @param cpuNanos on the last: the worker thread's CPU time while they ran, else 0
 * @param values the results, a task's failure as a {@link RemoteFailure}; read from a stream, raw
 *     values arrive decoded, each in its own array, and the rest as one checked block
 */
public record Results(long batchId, int from, boolean last, long wallNanos, long cpuNanos, EncodedValues values)
    implements Message.ToParent {

  @Override
  public byte type() {
    return Frame.RESULTS;
  }

  @Override
  public int payloadLength() {
    return 8 + 4 + 1 + 8 + 8 + values.length();
  }

  @Override
  public void writePayload(DataOutputStream out) throws IOException {
    out.writeLong(batchId);
    out.writeInt(from);
    out.writeBoolean(last);
    out.writeLong(wallNanos);
    out.writeLong(cpuNanos);
    values.writeTo(out);
  }

  /** Reads the payload (the caller checks that nothing is left). */
  static Results read(PayloadReader r) throws IOException {
    long batchId = r.i64("batch id");
    int from = r.index("first index");
    boolean last = r.bool("last");
    long wall = r.i64("wall nanos");
    long cpu = r.i64("cpu nanos");
    EncodedValues values = Values.readFrom(r, "values");
    return new Results(batchId, from, last, wall, cpu, values);
  }
}
