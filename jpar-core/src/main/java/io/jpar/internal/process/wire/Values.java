package io.jpar.internal.process.wire;

import io.jpar.internal.process.wire.Frame.ProtocolException;
import io.jpar.spi.Codec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

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
 * </pre>
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
  private static final byte STRINGS = 4;
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
        long size = 4L * n;
        for (int i = 0; i < n; i++) {
          utf8[i] = ((String) values[i]).getBytes(StandardCharsets.UTF_8);
          size += utf8[i].length;
        }
        ByteBuffer b = header(tag, n, size);
        for (byte[] s : utf8) {
          b.putInt(s.length).put(s);
        }
        yield block(b, n);
      }
      default -> {
        CodecBuffer buf = new CodecBuffer();
        codec.encode(values, buf);
        yield buf.finish(n);
      }
    };
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
      default -> throw r.error("unknown value tag " + tag);
    }
    r.end();
    return new EncodedValues(bytes, offset, length, n);
  }

  /**
   * Decodes a block. Its layout was checked when it was made, so what can fail here is the codec: a
   * class missing in this JVM, a filter refusal, bytes it cannot read. A codec's unchecked exception
   * arrives wrapped in an {@link IOException}; a {@link ProtocolException} says the codec's bytes did
   * not hold the array of {@code count} values the block announced.
   */
  public static Object[] read(EncodedValues block, Codec codec) throws IOException, ClassNotFoundException {
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
      case STRINGS -> {
        ByteBuffer in = ByteBuffer.wrap(b);
        values = new Object[n];
        for (int i = 0; i < n; i++) {
          int len = in.getInt(at);
          values[i] = new String(b, at + 4, len, StandardCharsets.UTF_8);
          at += 4 + len;
        }
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
    Class<?> c = values[0].getClass();
    byte tag =
        c == Integer.class ? INTS
            : c == Long.class ? LONGS
            : c == Double.class ? DOUBLES
            : c == String.class ? STRINGS
            : CODEC;
    if (tag == CODEC) {
      return CODEC;
    }
    for (Object v : values) {
      if (v == null || v.getClass() != c) {
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
