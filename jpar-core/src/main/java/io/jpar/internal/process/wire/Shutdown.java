package io.jpar.internal.process.wire;

import io.jpar.internal.process.wire.Frame.ProtocolException;
import java.io.DataOutputStream;

/** SHUTDOWN: finish and exit with status 0. The payload is empty. */
public record Shutdown() implements Message.ToWorker {
  @Override
  public byte type() {
    return Frame.SHUTDOWN;
  }

  @Override
  public int payloadLength() {
    return 0;
  }

  @Override
  public void writePayload(DataOutputStream out) {}

  public static Shutdown decode(byte[] payload) throws ProtocolException {
    new PayloadReader("SHUTDOWN frame", payload).end();
    return new Shutdown();
  }
}
