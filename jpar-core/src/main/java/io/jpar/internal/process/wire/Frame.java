package io.jpar.internal.process.wire;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.Arrays;

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
   * Reads the next frame whole: its payload in one array. The two sides read messages with {@link
   * Message.ToWorker#readFrom} and {@link Message.ToParent#readFrom} instead, which decode the payload
   * as it arrives.
   *
   * @throws EOFException when the stream ends: cleanly between frames ({@code "end of stream"}) or
   *     inside one (the message says where)
   * @throws ProtocolException when the bytes are not a frame
   */
  public static Frame readFrom(DataInputStream in) throws IOException {
    Header h = Header.readFrom(in);
    return new Frame(h.type(), h.payload(in, ValueFiles.off()).rest());
  }

  /**
   * A frame's envelope, read: what follows on the stream is its payload of {@code length} bytes.
   *
   * @param type the frame's type
   * @param length its payload's length, in range (but only what the sender claims)
   */
  record Header(byte type, int length) {
    /**
     * Reads the next header.
     *
     * @throws EOFException when the stream ends: cleanly before it ({@code "end of stream"}) or inside it
     * @throws ProtocolException when the bytes are not a frame (the stray byte is kept, see there)
     */
    static Header readFrom(DataInputStream in) throws IOException {
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
      return new Header(type, length);
    }

    /**
     * A reader of the payload that follows on {@code in}, named for errors by the frame's type, reading
     * values that came in {@code files}.
     */
    PayloadReader payload(DataInputStream in, ValueFiles files) {
      return new PayloadReader(typeName(type) + " frame", in, length, files);
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
