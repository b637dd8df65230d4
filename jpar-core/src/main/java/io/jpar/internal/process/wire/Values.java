package io.jpar.internal.process.wire;

import io.jpar.spi.Codec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Writes an array of values (a chunk's inputs or results). Arrays of one simple JDK type with no
 * nulls take a compact path — a tag and the raw numbers or UTF-8 strings — that is an order of
 * magnitude cheaper than an object stream and decodes to equal values; everything else goes through
 * the {@link Codec} as one {@code Object[]}, so a chunk pays one stream header, not one per value.
 */
public final class Values {
  private static final byte CODEC = 0;
  private static final byte INTS = 1;
  private static final byte LONGS = 2;
  private static final byte DOUBLES = 3;
  private static final byte STRINGS = 4;

  private Values() {}

  public static void write(DataOutputStream out, Object[] values, Codec codec) throws IOException {
    byte tag = tagOf(values);
    out.writeByte(tag);
    out.writeInt(values.length);
    switch (tag) {
      case INTS -> {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length);
        for (Object v : values) {
          b.putInt((Integer) v);
        }
        out.write(b.array());
      }
      case LONGS -> {
        ByteBuffer b = ByteBuffer.allocate(8 * values.length);
        for (Object v : values) {
          b.putLong((Long) v);
        }
        out.write(b.array());
      }
      case DOUBLES -> {
        ByteBuffer b = ByteBuffer.allocate(8 * values.length);
        for (Object v : values) {
          b.putDouble((Double) v);
        }
        out.write(b.array());
      }
      case STRINGS -> {
        for (Object v : values) {
          byte[] b = ((String) v).getBytes(StandardCharsets.UTF_8);
          out.writeInt(b.length);
          out.write(b);
        }
      }
      default -> {
        ByteArrayOutputStream buf = new ByteArrayOutputStream(256);
        codec.encode(values, buf);
        out.writeInt(buf.size());
        buf.writeTo(out);
      }
    }
  }

  public static Object[] read(DataInputStream in, Codec codec) throws IOException, ClassNotFoundException {
    byte tag = in.readByte();
    int n = in.readInt();
    if (n < 0) {
      throw new Frame.ProtocolException("negative value count " + n);
    }
    Object[] values = new Object[n];
    switch (tag) {
      case INTS -> {
        ByteBuffer b = bulk(in, 4L * n);
        for (int i = 0; i < n; i++) {
          values[i] = b.getInt();
        }
      }
      case LONGS -> {
        ByteBuffer b = bulk(in, 8L * n);
        for (int i = 0; i < n; i++) {
          values[i] = b.getLong();
        }
      }
      case DOUBLES -> {
        ByteBuffer b = bulk(in, 8L * n);
        for (int i = 0; i < n; i++) {
          values[i] = b.getDouble();
        }
      }
      case STRINGS -> {
        for (int i = 0; i < n; i++) {
          byte[] b = new byte[in.readInt()];
          in.readFully(b);
          values[i] = new String(b, StandardCharsets.UTF_8);
        }
      }
      case CODEC -> {
        byte[] b = new byte[in.readInt()];
        in.readFully(b);
        Object decoded = codec.decode(new ByteArrayInputStream(b));
        if (!(decoded instanceof Object[] arr) || arr.length != n) {
          throw new IOException("decoded chunk is not an array of " + n + " values");
        }
        return arr;
      }
      default -> throw new Frame.ProtocolException("unknown value tag " + tag);
    }
    return values;
  }

  private static ByteBuffer bulk(DataInputStream in, long length) throws IOException {
    if (length > Frame.MAX_LENGTH) {
      throw new Frame.ProtocolException("value block of " + length + " bytes is out of range");
    }
    byte[] b = new byte[(int) length];
    in.readFully(b);
    return ByteBuffer.wrap(b);
  }

  private static byte tagOf(Object[] values) {
    if (values.length == 0 || values[0] == null) {
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
