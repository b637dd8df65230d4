package io.jpar.internal.process.wire;

import java.io.DataOutputStream;
import java.io.IOException;

/**
 * HELLO: the worker has read its configuration, run the initializer and is ready for work. {@code [i64
 * pid]}.
 *
 * @param pid the worker's process id, as it sees itself
 */
public record Hello(long pid) implements Message.ToParent {
  @Override
  public byte type() {
    return Frame.HELLO;
  }

  @Override
  public int payloadLength() {
    return 8;
  }

  @Override
  public void writePayload(DataOutputStream out) throws IOException {
    out.writeLong(pid);
  }

  /** Reads the payload (the caller checks that nothing is left). */
  static Hello read(PayloadReader r) throws IOException {
    return new Hello(r.i64("pid"));
  }
}
