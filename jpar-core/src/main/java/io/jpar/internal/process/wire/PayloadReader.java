package io.jpar.internal.process.wire;

import io.jpar.internal.process.wire.Frame.ProtocolException;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the fields of one payload (or one part of it) in order, straight from the stream it arrives on
 * or from an array, checking each against the bytes the frame has left, so that a bad payload fails
 * with a {@link ProtocolException} naming the message and the field instead of an index error, and a
 * length is never trusted beyond the bytes that back it. Integers are big-endian, as {@link
 * java.io.DataOutputStream} writes them.
 *
 * <p>Reading from the stream is what lets a big value go from the pipe straight into its own array
 * ({@link #bytes(int, String)}): no payload array that it is then copied out of. The frame's length is
 * only what the sender claims, so an array of more than {@link #TRUSTED_LENGTH} bytes is allocated only
 * once an eighth of it has arrived (held meanwhile in small slices, then copied in): a torn
 * length costs at most eight times what was really sent, never what it claims. A stream that ends
 * inside the payload is an {@link EOFException} saying how far it got.
 *
 * <p>Not thread-safe: one reader per payload, on the thread that reads the frame.
 */
final class PayloadReader {
  /** Values up to this size are allocated at their announced size at once. */
  static final int TRUSTED_LENGTH = 1 << 20;
  private static final int TRUSTED_FACTOR = 8;
  /**
   * The early slices' size: under half of G1's smallest region (1 MiB), so that they are ordinary
   * young objects, not humongous ones (each of which takes whole regions and may start a GC cycle).
   */
  private static final int EARLY_SLICE = 256 << 10;

  private final String what;
  private final DataInputStream in;
  /** Where values that came in files are read from; {@link ValueFiles#off()} refuses them. */
  private final ValueFiles files;
  private final int length;
  private int remaining;
  /** A number's bytes, read like any others so that a stream ending inside one is counted to the byte. */
  private final byte[] scratch = new byte[8];
  private final ByteBuffer number = ByteBuffer.wrap(scratch);

  /**
   * Reads the next {@code length} bytes of {@code in}; {@code what} names them in errors ("BATCH frame"),
   * {@code files} says which value files it may read.
   */
  PayloadReader(String what, DataInputStream in, int length, ValueFiles files) {
    this.what = what;
    this.in = in;
    this.files = files;
    this.length = length;
    this.remaining = length;
  }

  /** Reads {@code bytes[offset, offset + length)}. */
  PayloadReader(String what, byte[] bytes, int offset, int length) {
    this(what, new DataInputStream(new ByteArrayInputStream(bytes, offset, length)), length, ValueFiles.off());
  }

  PayloadReader(String what, byte[] bytes) {
    this(what, bytes, 0, bytes.length);
  }

  /** How one side reads the payload of a frame of a type. */
  @FunctionalInterface
  interface Reading<M> {
    M read(byte type, PayloadReader r) throws IOException;
  }

  /**
   * Reads the next frame from {@code in} with a side's reader, decoding its payload as it arrives and
   * reading values that came in {@code files}.
   */
  static <M> M readFrom(DataInputStream in, ValueFiles files, Reading<M> reading) throws IOException {
    Frame.Header h = Frame.Header.readFrom(in);
    return readAll(h.type(), h.payload(in, files), reading);
  }

  /**
   * Decodes a frame read whole with a side's reader. Its payload array holds every byte the reader
   * checks for, so nothing but a {@link ProtocolException} can come of it.
   */
  static <M> M decodeWhole(Frame f, Reading<M> reading) throws ProtocolException {
    PayloadReader r = new PayloadReader(Frame.typeName(f.type()) + " frame", f.payload());
    try {
      return readAll(f.type(), r, reading);
    } catch (ProtocolException e) {
      throw e;
    } catch (IOException e) {
      throw r.error("unreadable: " + e.getMessage());
    }
  }

  /** The message, which must take its whole payload. */
  private static <M> M readAll(byte type, PayloadReader r, Reading<M> reading) throws IOException {
    M m = reading.read(type, r);
    r.end();
    return m;
  }

  /** What the payload is, for errors: {@code "RESULTS frame"}. */
  String what() {
    return what;
  }

  int remaining() {
    return remaining;
  }

  byte i8(String field) throws IOException {
    need(1, field);
    int b = in.read();
    if (b < 0) {
      throw ended();
    }
    remaining--;
    return (byte) b;
  }

  int i32(String field) throws IOException {
    need(4, field);
    readInto(scratch, 0, 4);
    return number.getInt(0);
  }

  long i64(String field) throws IOException {
    need(8, field);
    readInto(scratch, 0, 8);
    return number.getLong(0);
  }

  /** A boolean is one byte, 0 or 1; anything else is a broken frame, not {@code true}. */
  boolean bool(String field) throws IOException {
    byte b = i8(field);
    if (b != 0 && b != 1) {
      throw error(field + " is " + b + ", not a boolean (0 or 1)");
    }
    return b == 1;
  }

  /** An int that must be {@code >= 0} (an index, a first position). */
  int index(String field) throws IOException {
    int v = i32(field);
    if (v < 0) {
      throw error(field + " " + v + " is negative");
    }
    return v;
  }

  /**
   * A count of items that take at least {@code minItemBytes} each: checked against the bytes left, so
   * that no caller allocates for items that are not there.
   */
  int count(String field, int minItemBytes) throws IOException {
    int n = index(field);
    if ((long) n * minItemBytes > remaining) {
      throw error(field + " " + n + " needs at least " + (long) n * minItemBytes + " bytes, " + remaining + " are left");
    }
    return n;
  }

  /** {@code [u32 n][n bytes]}. */
  byte[] bytes(String field) throws IOException {
    return bytes(count(field + " length", 1), field);
  }

  /** {@code [u32 n][n bytes of UTF-8]}. */
  String string(String field) throws IOException {
    return new String(bytes(field), StandardCharsets.UTF_8);
  }

  /**
   * A value of {@code n} bytes ({@code what}, for errors) that came in a file, whose path is the next
   * field: see {@link ValueFiles#read}.
   */
  byte[] fromFile(int n, String what) throws IOException {
    return files.read(this, n, what);
  }

  /** Everything that is left. */
  byte[] rest() throws IOException {
    return bytes(remaining, "the rest");
  }

  /** The next {@code n} bytes (checked against what is left) in an array of their own; see the class's note on trust. */
  byte[] bytes(int n, String field) throws IOException {
    need(n, field);
    return bytes(n, 0);
  }

  /**
   * The next {@code n} bytes (checked by the caller) at {@code b[at, at + n)} of a new array of {@code at
   * + n} bytes, allocated once an eighth of them has arrived.
   */
  byte[] bytes(int n, int at) throws IOException {
    List<byte[]> early = firstEighth(n);
    byte[] b = new byte[at + n];
    int to = at;
    for (byte[] slice : early) {
      System.arraycopy(slice, 0, b, to, slice.length);
      to += slice.length;
    }
    readInto(b, to, at + n);
    return b;
  }

  /**
   * Hands the next {@code n} bytes (checked by the caller) to {@code sink} in pieces of at most {@link
   * Frame#IO_SLICE}, for values that are not byte arrays (primitive arrays, direct buffers): {@code
   * sink.open()} is called once an eighth of them has arrived, before the first piece, so the sink
   * allocates its destination under the same trust rule as {@link #bytes(int, int)}.
   */
  void pieces(int n, Sink sink) throws IOException {
    List<byte[]> early = firstEighth(n);
    sink.open();
    int at = 0;
    for (byte[] slice : early) {
      sink.put(slice, slice.length, at);
      at += slice.length;
    }
    byte[] piece = new byte[Math.min(Frame.IO_SLICE, n - at)];
    while (at < n) {
      int k = Math.min(piece.length, n - at);
      readInto(piece, 0, k);
      sink.put(piece, k, at);
      at += k;
    }
  }

  /** Where {@link #pieces} puts bytes: a destination allocated in {@link #open()}, filled in order. */
  interface Sink {
    void open();

    /** {@code b[0, len)} are the value's bytes from {@code at}. */
    void put(byte[] b, int len, int at);
  }

  /** For more than {@link #TRUSTED_LENGTH} bytes, the first eighth of them in slices as they arrive; else none. */
  private List<byte[]> firstEighth(int n) throws IOException {
    if (n <= TRUSTED_LENGTH) {
      return List.of();
    }
    List<byte[]> slices = new ArrayList<>();
    for (int got = 0; got < n / TRUSTED_FACTOR; ) {
      byte[] slice = new byte[Math.min(EARLY_SLICE, n - got)];
      readInto(slice, 0, slice.length);
      slices.add(slice);
      got += slice.length;
    }
    return slices;
  }

  /** Skips {@code n} bytes (checked against what is left). */
  void skip(int n, String field) throws IOException {
    need(n, field);
    try {
      in.skipNBytes(n);
    } catch (EOFException e) {
      throw ended();
    }
    remaining -= n;
  }

  /** Fails if any bytes are left: a payload longer than its fields is as broken as a shorter one. */
  void end() throws ProtocolException {
    if (remaining != 0) {
      throw error(remaining + " bytes left over after the last field");
    }
  }

  ProtocolException error(String problem) {
    return new ProtocolException(what + ": " + problem);
  }

  private void need(int n, String field) throws ProtocolException {
    if (remaining < n) {
      throw error("truncated: " + field + " needs " + n + " bytes, " + remaining + " are left");
    }
  }

  /**
   * Fills {@code b[from, to)}, {@link Frame#IO_SLICE} bytes a call: a pipe's file stream copies each
   * call's bytes through a native buffer of the call's size, allocated per call (and a pipe holds 64 KiB
   * anyway). The buffered streams above it hand a call this large straight through, not through their
   * buffers.
   */
  private void readInto(byte[] b, int from, int to) throws IOException {
    for (int n = from; n < to; ) {
      int r = in.read(b, n, Math.min(Frame.IO_SLICE, to - n));
      if (r < 0) {
        throw ended();
      }
      n += r;
      remaining -= r;
    }
  }

  private EOFException ended() {
    return new EOFException("the stream ended inside a frame: " + (length - remaining) + " of " + length + " payload bytes");
  }
}
