package io.jpar.internal.process.wire;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The envelope of every message on a worker's stdin or stdout: {@code [u8 magic][u8 type][u32
 * length][payload]}. The magic byte catches anything that is not ours (a JVM that prints to stdout
 * while dying) at the first byte, and the length cap keeps a torn frame from allocating the heap away.
 * What a payload holds is up to its {@link Message}; this type only carries it from the stream to
 * {@link Message.ToWorker#decode} or {@link Message.ToParent#decode}.
 *
 * @param type one of the constants below
 * @param payload the body; its layout depends on the type. Not copied: the frame owns the array.
 */
public record Frame(byte type, byte[] payload) {
  public static final byte MAGIC = (byte) 0xA7;
  public static final int MAX_LENGTH = 1 << 30;
  public static final int HEADER_LENGTH = 1 + 1 + 4;
  /**
   * Payloads up to this size are read into an array of their announced size. Beyond it the first
   * eighth of the payload is read into slices of this size as it arrives, and only then is the
   * payload's array allocated, the slices copied in and the rest read straight into it: a torn length
   * field costs at most eight times what was really sent, never what it claims, and a real payload of
   * a hundred megabytes costs one array and an eighth of a copy, not a chain of growing arrays (each
   * copied, each garbage in a worker's small heap).
   */
  private static final int TRUSTED_LENGTH = 1 << 20;
  private static final int TRUSTED_FACTOR = 8;
  /**
   * Large payloads are written and read this many bytes per call: a pipe's file streams copy each
   * call's bytes through a native buffer of the call's size, allocated per call (a pipe holds 64 KB
   * anyway).
   */
  static final int IO_SLICE = 1 << 16;

  // Parent -> worker
  public static final byte CONFIG = 1;
  public static final byte BATCH = 2;
  public static final byte SHUTDOWN = 3;
  // Worker -> parent
  public static final byte HELLO = 10;
  public static final byte RESULTS = 11;
  public static final byte INIT_FAILED = 12;
  public static final byte FATAL = 13;
  public static final byte HEARTBEAT = 14;

  /** The name of a type constant, for messages: {@code "RESULTS"}, or {@code "unknown type 42"}. */
  public static String typeName(byte type) {
    return switch (type) {
      case CONFIG -> "CONFIG";
      case BATCH -> "BATCH";
      case SHUTDOWN -> "SHUTDOWN";
      case HELLO -> "HELLO";
      case RESULTS -> "RESULTS";
      case INIT_FAILED -> "INIT_FAILED";
      case FATAL -> "FATAL";
      case HEARTBEAT -> "HEARTBEAT";
      default -> "unknown type " + type;
    };
  }

  /** The envelope's header; the message writes its payload straight after it ({@link Message#writeTo}). */
  static void writeHeader(DataOutputStream out, byte type, int length) throws IOException {
    out.writeByte(MAGIC);
    out.writeByte(type);
    out.writeInt(length);
  }

  /**
   * Reads the next frame.
   *
   * @throws EOFException when the stream ends: cleanly between frames ({@code "end of stream"}) or
   *     inside one (the message says where)
   * @throws ProtocolException when the bytes are not a frame
   */
  public static Frame readFrom(DataInputStream in) throws IOException {
    int magic = in.read();
    if (magic < 0) {
      throw new EOFException("end of stream");
    }
    if ((byte) magic != MAGIC) {
      throw new ProtocolException(String.format("expected a frame, found byte 0x%02x", magic), magic);
    }
    byte type;
    int length;
    try {
      type = in.readByte();
      length = in.readInt();
    } catch (EOFException e) {
      throw new EOFException("the stream ended inside a frame header");
    }
    if (length < 0 || length > MAX_LENGTH) {
      throw new ProtocolException(
          "frame length " + length + " (" + typeName(type) + ") is out of range 0.." + MAX_LENGTH);
    }
    return new Frame(type, readPayload(in, length));
  }

  private static byte[] readPayload(DataInputStream in, int length) throws IOException {
    if (length <= TRUSTED_LENGTH) {
      byte[] b = new byte[length];
      readInto(in, b, 0, length, 0, length);
      return b;
    }
    List<byte[]> slices = new ArrayList<>();
    int n = 0;
    while (n < length / TRUSTED_FACTOR) {
      byte[] slice = new byte[Math.min(TRUSTED_LENGTH, length - n)];
      readInto(in, slice, 0, slice.length, n, length);
      slices.add(slice);
      n += slice.length;
    }
    byte[] b = new byte[length];
    int at = 0;
    for (byte[] slice : slices) {
      System.arraycopy(slice, 0, b, at, slice.length);
      at += slice.length;
    }
    readInto(in, b, n, length, n, length);
    return b;
  }

  /** Fills {@code b[from, to)}; {@code done} of the frame's {@code length} bytes came before, for the message. */
  private static void readInto(DataInputStream in, byte[] b, int from, int to, int done, int length) throws IOException {
    for (int n = from; n < to; ) {
      int r = in.read(b, n, Math.min(IO_SLICE, to - n));
      if (r < 0) {
        throw new EOFException("the stream ended inside a frame: " + (done + n - from) + " of " + length + " payload bytes");
      }
      n += r;
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Frame f && f.type == type && Arrays.equals(f.payload, payload);
  }

  @Override
  public int hashCode() {
    return 31 * type + Arrays.hashCode(payload);
  }

  @Override
  public String toString() {
    return "Frame[" + typeName(type) + ", " + payload.length + " bytes]";
  }

  /** The bytes were not a frame or message: the other side is broken, not the user's task. */
  public static final class ProtocolException extends IOException {
    private static final long serialVersionUID = 1L;

    /** The byte read where a frame should have started, or -1: the first byte of stray output. */
    private final int strayByte;

    public ProtocolException(String message) {
      this(message, -1);
    }

    /**
     * @param strayByte the byte read where a frame should have started (a JVM printing to stdout on
     *     its way out: the first letter of its message, which the caller shows with the rest), or -1
     */
    public ProtocolException(String message, int strayByte) {
      super(message);
      this.strayByte = strayByte;
    }

    /** The byte that was not a frame's magic, or -1 when the frame broke elsewhere. */
    public int strayByte() {
      return strayByte;
    }
  }
}
