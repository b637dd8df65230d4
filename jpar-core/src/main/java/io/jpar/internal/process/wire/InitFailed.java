package io.jpar.internal.process.wire;

import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;

/**
 * INIT_FAILED: the initializer threw, or ran past its limit; the worker exits after sending this.
 * {@code [u8 hung][failure, to the end]}.
 *
 * @param hung true if the initializer did not return within its limit: the failure's stack trace is
 *     then where the initializer was at that moment
 * @param failure the codec's encoding of the {@link RemoteFailure}; not copied
 */
public record InitFailed(boolean hung, byte[] failure) implements Message.ToParent {
  @Override
  public byte type() {
    return Frame.INIT_FAILED;
  }

  @Override
  public int payloadLength() {
    return 1 + failure.length;
  }

  @Override
  public void writePayload(DataOutputStream out) throws IOException {
    out.writeBoolean(hung);
    out.write(failure);
  }

  /** Any bytes after the flag are a failure as far as the layout goes; the codec judges them. */
  /** Reads the payload (the caller checks that nothing is left). */
  static InitFailed read(PayloadReader r) throws IOException {
    return new InitFailed(r.bool("hung"), r.rest());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof InitFailed f && f.hung == hung && Arrays.equals(f.failure, failure);
  }

  @Override
  public int hashCode() {
    return 31 * Boolean.hashCode(hung) + Arrays.hashCode(failure);
  }

  @Override
  public String toString() {
    return "InitFailed[hung=" + hung + ", failure=" + failure.length + " bytes]";
  }
}
