package io.jpar.internal.process.wire;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;

/**
 * One message on a worker's stdin or stdout: {@code [u8 magic][u8 type][u32 length][payload]}. The
 * magic byte catches anything that is not ours (a JVM that prints to stdout while dying) at the first
 * byte, and the length cap keeps a torn frame from allocating the heap away.
 *
 * @param type one of the constants below
 * @param payload the body; its layout depends on the type
 */
public record Frame(byte type, byte[] payload) {
  public static final byte MAGIC = (byte) 0xA7;
  public static final int MAX_LENGTH = 1 << 30;

  // Parent -> worker
  public static final byte CONFIG = 1;
  public static final byte BATCH = 2;
  public static final byte SHUTDOWN = 3;
  // Worker -> parent
  public static final byte HELLO = 10;
  public static final byte RESULTS = 11;
  public static final byte INIT_FAILED = 12;
  public static final byte FATAL = 13;

  /** Writes the frame; the caller flushes and guards the stream against interleaving. */
  public void writeTo(DataOutputStream out) throws IOException {
    out.writeByte(MAGIC);
    out.writeByte(type);
    out.writeInt(payload.length);
    out.write(payload);
  }

  /**
   * Reads the next frame.
   *
   * @throws EOFException when the stream ended cleanly between frames
   * @throws ProtocolException when the bytes are not a frame
   */
  public static Frame readFrom(DataInputStream in) throws IOException {
    int magic = in.read();
    if (magic < 0) {
      throw new EOFException("end of stream");
    }
    if ((byte) magic != MAGIC) {
      throw new ProtocolException(String.format("expected a frame, found byte 0x%02x", magic));
    }
    byte type = in.readByte();
    int length = in.readInt();
    if (length < 0 || length > MAX_LENGTH) {
      throw new ProtocolException("frame length " + length + " is out of range");
    }
    byte[] payload = new byte[length];
    in.readFully(payload);
    return new Frame(type, payload);
  }

  /** The bytes were not a frame: the other side is broken, not the user's task. */
  public static final class ProtocolException extends IOException {
    private static final long serialVersionUID = 1L;

    public ProtocolException(String message) {
      super(message);
    }
  }
}
