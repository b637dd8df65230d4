package io.jpar.internal.process.wire;

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

  /** Reads the payload (the caller checks that nothing is left). */
  static Shutdown read(PayloadReader r) {
    return new Shutdown();
  }
}
