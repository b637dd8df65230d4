package io.jpar.internal.process.wire;

import io.jpar.internal.process.wire.Frame.ProtocolException;
import io.jpar.spi.Codec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Encodes an array of values (a chunk's inputs or results) as one block. Arrays of one simple JDK type
 * with no nulls take a compact path — a tag and the raw numbers or UTF-8 strings — that is an order of
 * magnitude cheaper than an object stream and decodes to equal values; everything else goes through
 * the {@link Codec} as one {@code Object[]}, so a chunk pays one stream header, not one per value.
 *
 * <p>A block is {@code [u8 tag][i32 count]} and then, by tag:
 *
 * <pre>
 *   INTS     count x i32
 *   LONGS    count x i64
 *   DOUBLES  count x f64
 *   STRINGS  count x ([u32 n][n bytes of UTF-8])
 *   CODEC    [u32 n][n bytes: the codec's encoding of an Object[count]]
 *   BYTES    count x ([u32 n][n bytes])                      byte[]
 *   ARRAYS   [u8 kind] count x ([u32 n][n elements])         int[] long[] double[] float[] short[] char[] boolean[]
 *   BUFFERS  count x ([u8 direct][u32 n][n bytes])           ByteBuffer: its remaining bytes
 *   FILES    [u8 of] count x ([u32 n][u8 inFile] then n bytes, or [str path])
 *                                                            byte[] (of BYTES) or strings (of STRINGS)
 * </pre>
 *
 * <p>A {@code FILES} block is a {@code BYTES} or {@code STRINGS} block whose big values went through
 * files ({@link ValueFiles}): it is made only when such a block is sent, and its files are read (and
 * deleted) by the reader that receives it.
 *
 * <p>Big values take the raw paths, with no object stream between (which costs per block of 1 KB and
 * grows its buffer by copying): a {@code byte[]} or a string's UTF-8 is written to the stream from the
 * value itself, and on a stream reader ({@link #readFrom}) read from the stream straight into the new
 * value's array; the elements of a primitive array go through a 64 KiB buffer each way, big-endian like
 * every other number here (booleans as 0 or 1). A {@link ByteBuffer} arrives as a buffer of the same kind (heap or direct)
 * holding the bytes between the sender's position and limit, at position 0; the sender's position is
 * not moved.
 *
 * The block is exactly that long: it is the tail of the messages that carry one, with nothing after it.
 * Strings travel as UTF-8, so an unpaired surrogate arrives as {@code ?}, as {@link String#getBytes}
 * encodes it.
 */
public final class Values {
  private static final byte CODEC = 0;
  private static final byte INTS = 1;
  private static final byte LONGS = 2;
  private static final byte DOUBLES = 3;
  static final byte STRINGS = 4;
  static final byte BYTES = 5;
  static final byte ARRAYS = 6;
  private static final byte BUFFERS = 7;
  static final byte FILES = 8;
  private static final int HEADER = 1 + 4;
  private static final int MAX_ARRAY = Integer.MAX_VALUE - 8;
  /** Ints are encoded and decoded this many at a time (see putInts). */
  private static final int BLOCK = 64;

  private Values() {}

  /** Encodes {@code values}; the block may be a view of a buffer somewhat larger than itself. */
  public static EncodedValues encode(Object[] values, Codec codec) throws IOException {
    byte tag = tagOf(values);
    int n = values.length;
    return switch (tag) {
      case INTS -> {
        ByteBuffer b = header(tag, n, 4L * n);
        for (int i = 0; i < n; i += BLOCK) {
          putInts(values, i, Math.min(n, i + BLOCK), b.array(), HEADER + 4 * i);
        }
        yield new EncodedValues(b.array(), 0, b.capacity(), n);
      }
      case LONGS -> {
        ByteBuffer b = header(tag, n, 8L * n);
        for (Object v : values) {
          b.putLong((Long) v);
        }
        yield block(b, n);
      }
      case DOUBLES -> {
        ByteBuffer b = header(tag, n, 8L * n);
        for (Object v : values) {
          b.putDouble((Double) v);
        }
        yield block(b, n);
      }
      case STRINGS -> {
        byte[][] utf8 = new byte[n][];
        for (int i = 0; i < n; i++) {
          utf8[i] = ((String) values[i]).getBytes(StandardCharsets.UTF_8);
        }
        yield arraysBlock(tag, utf8, "strings");
      }
      case BYTES -> {
        byte[][] arrays = new byte[n][];
        for (int i = 0; i < n; i++) {
          arrays[i] = (byte[]) values[i];
        }
        yield arraysBlock(tag, arrays, "byte arrays"); // written from the arrays themselves
      }
      case BUFFERS -> {
        ByteBuffer b = header(tag, n, buffersLength(values));
        for (Object v : values) {
          ByteBuffer src = ((ByteBuffer) v).duplicate();
          b.put((byte) (src.isDirect() ? 1 : 0)).putInt(src.remaining()).put(src);
        }
        yield block(b, n);
      }
      case ARRAYS -> PrimitiveArrays.encode(values);
      default -> {
        CodecBuffer buf = new CodecBuffer();
        codec.encode(values, buf);
        yield buf.finish(n);
      }
    };
  }

  /** A block of {@code count x ([u32 n][n bytes])} that writes the arrays themselves when sent. */
  private static EncodedValues arraysBlock(byte tag, byte[][] arrays, String what) throws IOException {
    long length = HEADER;
    for (byte[] a : arrays) {
      length += 4 + a.length;
    }
    if (length > Frame.MAX_LENGTH - 64) {
      throw new IOException("a chunk of " + arrays.length + " " + what + " takes " + length + " bytes, more than a frame"
          + " holds (1 GiB); use smaller chunks, or SharedBytes for a large input many tasks read");
    }
    return EncodedValues.ofByteArrays(tag, arrays, (int) length);
  }

  /** The body of a block of buffers: per buffer, a flag, a length and its remaining bytes. */
  private static long buffersLength(Object[] values) {
    long size = 0;
    for (Object v : values) {
      size += 5 + ((ByteBuffer) v).remaining();
    }
    return size;
  }

  /** A compact block of exactly its size, header written; it must fit one array. */
  private static ByteBuffer header(byte tag, int n, long bodyLength) throws IOException {
    long length = HEADER + bodyLength;
    if (length > MAX_ARRAY) {
      throw new IOException("a chunk of " + n + " values takes " + length + " bytes, more than one array holds;"
          + " use smaller chunks");
    }
    return ByteBuffer.allocate((int) length).put(tag).putInt(n);
  }

  private static EncodedValues block(ByteBuffer filled, int n) {
    return new EncodedValues(filled.array(), 0, filled.position(), n);
  }

  /** The codec writes straight into the block, behind a header whose length is filled in afterwards. */
  private static final class CodecBuffer extends ByteArrayOutputStream {
    CodecBuffer() {
      super(256);
      count = HEADER + 4;
    }

    EncodedValues finish(int n) {
      ByteBuffer.wrap(buf).put(CODEC).putInt(n).putInt(count - HEADER - 4);
      return new EncodedValues(buf, 0, count, n);
    }
  }

  /**
   * Reads the value block that fills the rest of a payload ({@code field} names it in errors). Byte
   * arrays, strings, buffers and primitive arrays are decoded as they arrive, each straight into its
   * own array (for a stream: from the pipe, with no payload array between); the block keeps them, and
   * {@link #read} returns them. The other blocks are read into one array and checked, to be decoded
   * later: a codec block by whoever knows what its classes may be.
   */
  static EncodedValues readFrom(PayloadReader r, String field) throws IOException {
    int length = r.remaining();
    byte tag = r.i8(field + " tag");
    if (isRaw(tag)) {
      Object[] values = readRaw(tag, r);
      r.end();
      return values.length == 0 ? encode(values, null) : EncodedValues.decoded(values, length);
    }
    byte[] block = r.bytes(r.remaining(), 1);
    block[0] = tag;
    return parse(r.what() + ", " + field, block, 0, block.length);
  }

  /** The blocks whose values are read straight into their own arrays. */
  private static boolean isRaw(byte tag) {
    return tag == BYTES || tag == STRINGS || tag == BUFFERS || tag == ARRAYS || tag == FILES;
  }

  /**
   * The values of a raw block, after its tag: the one decoder of these blocks, for a block on a stream
   * and for one in an array alike. The values' array grows as values arrive: a count is only what the
   * sender claims.
   */
  private static Object[] readRaw(byte tag, PayloadReader r) throws IOException {
    int n = r.count("count", tag == BUFFERS || tag == FILES ? 5 : 4);
    byte kind = tag == ARRAYS ? PrimitiveArrays.kind(r) : tag == FILES ? filesOf(r) : -1;
    Object[] values = new Object[Math.min(n, 1024)];
    for (int i = 0; i < n; i++) {
      if (i == values.length) {
        values = Arrays.copyOf(values, Math.min(n, 2 * i));
      }
      values[i] = switch (tag) {
        case BYTES -> r.bytes(r.count("byte[] length", 1), "byte[]");
        case STRINGS -> new String(r.bytes(r.count("string length", 1), "string"), StandardCharsets.UTF_8);
        case BUFFERS -> readBuffer(r);
        case FILES -> readFiled(r, kind);
        default -> PrimitiveArrays.readOne(r, kind);
      };
    }
    return values;
  }

  /** What a {@code FILES} block holds: {@code byte[]} or strings. */
  private static byte filesOf(PayloadReader r) throws IOException {
    byte of = r.i8("file block kind");
    if (of != BYTES && of != STRINGS) {
      throw r.error("file block kind " + of + " is neither byte arrays (" + BYTES + ") nor strings (" + STRINGS + ")");
    }
    return of;
  }

  /** One value of a {@code FILES} block: from its file, or from the block like any other. */
  private static Object readFiled(PayloadReader r, byte of) throws IOException {
    String what = of == BYTES ? "byte[]" : "string";
    int n = r.index(what + " length");
    byte[] b = r.bool("in file") ? r.fromFile(n, what) : r.bytes(n, what);
    return of == BYTES ? b : new String(b, StandardCharsets.UTF_8);
  }

  /** A buffer of the kind it was (heap or direct), at position 0; a heap one wraps the array read. */
  private static ByteBuffer readBuffer(PayloadReader r) throws IOException {
    boolean direct = r.bool("direct");
    int len = r.count("buffer length", 1);
    if (!direct) {
      return ByteBuffer.wrap(r.bytes(len, "buffer"));
    }
    ByteBuffer[] into = new ByteBuffer[1];
    r.pieces(len, new PayloadReader.Sink() {
      @Override
      public void open() {
        into[0] = ByteBuffer.allocateDirect(len);
      }

      @Override
      public void put(byte[] b, int k, int at) {
        into[0].put(b, 0, k);
      }
    });
    return into[0].flip();
  }

  /** Checks that {@code bytes} hold exactly one well-formed block, and returns it without copying. */
  public static EncodedValues parse(byte[] bytes) throws ProtocolException {
    return parse(bytes, 0, bytes.length);
  }

  /**
   * Checks that {@code bytes[offset, offset + length)} hold exactly one well-formed block, and returns
   * it without copying. Walks the string lengths of a string block; decodes nothing.
   */
  public static EncodedValues parse(byte[] bytes, int offset, int length) throws ProtocolException {
    return parse("value block", bytes, offset, length);
  }

  /** As {@link #parse(byte[], int, int)}, naming the block {@code what} in errors. */
  static EncodedValues parse(String what, byte[] bytes, int offset, int length) throws ProtocolException {
    PayloadReader r = new PayloadReader(what, bytes, offset, length);
    try {
      return new EncodedValues(bytes, offset, length, walk(r));
    } catch (ProtocolException e) {
      throw e;
    } catch (IOException e) { // the array holds every byte the reader checks for
      throw r.error("unreadable: " + e.getMessage());
    }
  }

  /** Walks a block in an array to its end, checking its layout; returns its count. */
  private static int walk(PayloadReader r) throws IOException {
    byte tag = r.i8("tag");
    int n;
    switch (tag) {
      case INTS -> {
        n = r.count("count", 4);
        r.skip(4 * n, "ints");
      }
      case LONGS, DOUBLES -> {
        n = r.count("count", 8);
        r.skip(8 * n, "numbers");
      }
      case STRINGS -> {
        n = r.count("count", 4);
        for (int i = 0; i < n; i++) {
          r.skip(r.count("string length", 1), "string");
        }
      }
      case CODEC -> {
        n = r.index("count");
        r.skip(r.count("codec length", 1), "codec bytes");
      }
      case BYTES -> {
        n = r.count("count", 4);
        for (int i = 0; i < n; i++) {
          r.skip(r.count("byte[] length", 1), "byte[]");
        }
      }
      case BUFFERS -> {
        n = r.count("count", 5);
        for (int i = 0; i < n; i++) {
          r.bool("direct");
          r.skip(r.count("buffer length", 1), "buffer");
        }
      }
      case ARRAYS -> n = PrimitiveArrays.parse(r);
      case FILES -> {
        n = r.count("count", 5);
        filesOf(r);
        for (int i = 0; i < n; i++) {
          int len = r.index("value length");
          if (r.bool("in file")) {
            r.skip(r.count("file path length", 1), "file path");
          } else {
            r.skip(len, "value");
          }
        }
      }
      default -> throw r.error("unknown value tag " + tag);
    }
    r.end();
    return n;
  }

  /**
   * Decodes a block. Its layout was checked when it was made, so what can fail here is the codec: a
   * class missing in this JVM, a filter refusal, bytes it cannot read. A codec's unchecked exception
   * arrives wrapped in an {@link IOException}; a {@link ProtocolException} says the codec's bytes did
   * not hold the array of {@code count} values the block announced.
   */
  public static Object[] read(EncodedValues encoded, Codec codec) throws IOException, ClassNotFoundException {
    if (encoded.decoded() != null) {
      return encoded.decoded();
    }
    EncodedValues block = encoded.inOneArray();
    byte[] b = block.bytes();
    int at = block.offset() + HEADER;
    int n = block.count();
    Object[] values;
    switch (b[block.offset()]) {
      case INTS -> {
        values = new Object[n];
        for (int i = 0; i < n; i += BLOCK) {
          getInts(b, at + 4 * i, values, i, Math.min(n, i + BLOCK));
        }
      }
      case LONGS -> {
        ByteBuffer in = ByteBuffer.wrap(b, at, 8 * n);
        values = new Object[n];
        for (int i = 0; i < n; i++) {
          values[i] = in.getLong();
        }
      }
      case DOUBLES -> {
        ByteBuffer in = ByteBuffer.wrap(b, at, 8 * n);
        values = new Object[n];
        for (int i = 0; i < n; i++) {
          values[i] = in.getDouble();
        }
      }
      case STRINGS, BYTES, BUFFERS, ARRAYS, FILES -> {
        PayloadReader r = new PayloadReader("value block", b, block.offset() + 1, block.length() - 1);
        values = readRaw(b[block.offset()], r); // checked by parse: a failure here is a bug
      }
      default -> {
        Object decoded;
        try {
          decoded = codec.decode(new ByteArrayInputStream(b, at + 4, block.length() - HEADER - 4));
        } catch (RuntimeException e) { // a codec may fail so on damaged bytes (the JDK's object stream does)
          throw new IOException(codec.getClass().getName() + " could not decode a chunk of " + n + " values: " + e, e);
        }
        if (!(decoded instanceof Object[] arr) || arr.length != n) {
          throw new ProtocolException("the codec block decoded to " + describe(decoded) + ", not an array of " + n + " values");
        }
        values = arr;
      }
    }
    return values;
  }

  /*
   * Ints go in blocks of BLOCK through these two small methods, with plain shifts. In a fresh worker
   * JVM a loop over a whole chunk stays interpreted until on-stack replacement (tens of thousands of
   * iterations), and ByteBuffer/VarHandle accessors run interpreted method-handle code until compiled
   * (~1 us per int); a small method called per block is compiled within the first chunk.
   */

  private static void putInts(Object[] values, int from, int to, byte[] b, int p) {
    for (int i = from; i < to; i++, p += 4) {
      int v = (Integer) values[i];
      b[p] = (byte) (v >>> 24);
      b[p + 1] = (byte) (v >>> 16);
      b[p + 2] = (byte) (v >>> 8);
      b[p + 3] = (byte) v;
    }
  }

  private static void getInts(byte[] b, int p, Object[] values, int from, int to) {
    for (int i = from; i < to; i++, p += 4) {
      values[i] = (b[p] << 24) | ((b[p + 1] & 0xff) << 16) | ((b[p + 2] & 0xff) << 8) | (b[p + 3] & 0xff);
    }
  }

  private static String describe(Object decoded) {
    if (decoded instanceof Object[] arr) {
      return "an array of " + arr.length + " values";
    }
    return decoded == null ? "null" : "a " + decoded.getClass().getName();
  }

  private static byte tagOf(Object[] values) {
    if (values.length == 0) {
      return INTS; // any compact tag holds nothing; the codec would start an object stream for it
    }
    if (values[0] == null) {
      return CODEC;
    }
    Class<?> c = values[0] instanceof ByteBuffer ? ByteBuffer.class : values[0].getClass();
    byte tag =
        c == Integer.class ? INTS
            : c == Long.class ? LONGS
            : c == Double.class ? DOUBLES
            : c == String.class ? STRINGS
            : c == byte[].class ? BYTES
            : c == ByteBuffer.class ? BUFFERS
            : PrimitiveArrays.kindOf(c) >= 0 ? ARRAYS
            : CODEC;
    if (tag == CODEC) {
      return CODEC;
    }
    for (Object v : values) {
      // A buffer of any class (heap, direct, read-only) goes as its bytes; everything else as its exact class.
      if (v == null || (tag == BUFFERS ? !(v instanceof ByteBuffer) : v.getClass() != c)) {
        return CODEC;
      }
    }
    return tag;
  }

  /** Encodes one value with the codec, for things sent once (a task, an initializer). */
  public static byte[] encodeOne(Object value, Codec codec) throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream(256);
    codec.encode(value, buf);
    return buf.toByteArray();
  }

  public static Object decodeOne(byte[] bytes, Codec codec) throws IOException, ClassNotFoundException {
    return codec.decode(new ByteArrayInputStream(bytes));
  }
}
