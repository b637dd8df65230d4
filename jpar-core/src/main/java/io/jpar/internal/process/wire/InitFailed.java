package io.jpar.internal.process.wire;

import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;

/**
 * INIT_FAILED: the initializer threw; the worker exits after sending this. {@code [failure, to the
 * end]}.
 *
 * @param failure the codec's encoding of the {@link RemoteFailure}; not copied
 */
public record InitFailed(byte[] failure) implements Message.ToParent {
  @Override
  public byte type() {
    return Frame.INIT_FAILED;
  }

  @Override
  public int payloadLength() {
    return failure.length;
  }

  @Override
  public void writePayload(DataOutputStream out) throws IOException {
    out.write(failure);
  }

  /** Any bytes are a failure as far as the layout goes; the codec judges them. Takes the payload as is. */
  public static InitFailed decode(byte[] payload) {
    return new InitFailed(payload);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof InitFailed f && Arrays.equals(f.failure, failure);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(failure);
  }

  @Override
  public String toString() {
    return "InitFailed[failure=" + failure.length + " bytes]";
  }
}
