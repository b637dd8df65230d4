package io.jpar.internal.process.wire;

import java.io.DataOutputStream;

/**
 * HEARTBEAT: the worker JVM is alive. Sent by a thread of its own every {@link Config#heartbeatMillis}
 * whatever the task is doing, so a long computation is never taken for a frozen worker; the parent
 * kills a worker it hears nothing from for longer than its limit. The payload is empty.
 */
public record Heartbeat() implements Message.ToParent {
  @Override
  public byte type() {
    return Frame.HEARTBEAT;
  }

  @Override
  public int payloadLength() {
    return 0;
  }

  @Override
  public void writePayload(DataOutputStream out) {}

  /** Reads the payload (the caller checks that nothing is left). */
  static Heartbeat read(PayloadReader r) {
    return new Heartbeat();
  }
}
