package io.jpar.internal.process.wire;

import io.jpar.internal.process.wire.Frame.ProtocolException;
import java.io.IOException;
import java.lang.reflect.Array;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;

/**
 * The {@code ARRAYS} block of {@link Values}: a chunk of primitive arrays of one kind, each as {@code
 * [u32 n][n elements]}, after a {@code [u8 kind]}. Elements go in one bulk copy per array each way
 * (big-endian, booleans as 0 or 1, any non-zero byte reading as true), never element by element
 * through an object stream.
 */
final class PrimitiveArrays {
  private static final Class<?>[] KINDS = {
    int[].class, long[].class, double[].class, float[].class, short[].class, char[].class, boolean[].class
  };
  private static final int[] SIZES = {4, 8, 8, 4, 2, 2, 1};
  private static final byte BOOLEANS = 6;

  private PrimitiveArrays() {}

  /** The kind of an array class, or -1 if it is not one of ours. */
  static int kindOf(Class<?> c) {
    for (int k = 0; k < KINDS.length; k++) {
      if (KINDS[k] == c) {
        return k;
      }
    }
    return -1;
  }

  /** Encodes arrays that are all of the same kind (the caller checked). */
  static EncodedValues encode(Object[] values) throws IOException {
    int kind = kindOf(values[0].getClass());
    long body = 1;
    for (Object v : values) {
      body += 4 + (long) SIZES[kind] * Array.getLength(v);
    }
    ByteBuffer b = Values.header(Values.ARRAYS, values.length, body).put((byte) kind);
    for (Object v : values) {
      put(b, kind, v);
    }
    return Values.block(b, values.length);
  }

  private static void put(ByteBuffer b, int kind, Object v) {
    switch (kind) {
      case 0 -> {
        int[] a = (int[]) v;
        b.putInt(a.length).asIntBuffer().put(a);
      }
      case 1 -> {
        long[] a = (long[]) v;
        b.putInt(a.length).asLongBuffer().put(a);
      }
      case 2 -> {
        double[] a = (double[]) v;
        b.putInt(a.length).asDoubleBuffer().put(a);
      }
      case 3 -> {
        float[] a = (float[]) v;
        b.putInt(a.length).asFloatBuffer().put(a);
      }
      case 4 -> {
        short[] a = (short[]) v;
        b.putInt(a.length).asShortBuffer().put(a);
      }
      case 5 -> {
        char[] a = (char[]) v;
        b.putInt(a.length).asCharBuffer().put(a);
      }
      default -> {
        boolean[] a = (boolean[]) v;
        b.putInt(a.length);
        for (boolean x : a) {
          b.put((byte) (x ? 1 : 0));
        }
        return;
      }
    }
    // The views above wrote past the buffer's position without moving it.
    b.position(b.position() + SIZES[kind] * Array.getLength(v));
  }

  /** Checks the block's body after its count; returns the count. */
  static int parse(PayloadReader r) throws ProtocolException {
    int n = r.count("count", 4);
    byte kind = r.i8("array kind");
    if (kind < 0 || kind > BOOLEANS) {
      throw r.error("unknown array kind " + kind);
    }
    for (int i = 0; i < n; i++) {
      int len = r.count("array length", SIZES[kind]);
      r.skip(len * SIZES[kind], "array elements");
    }
    return n;
  }

  /** Decodes {@code n} arrays from the body at {@code at} (its kind byte). */
  static Object[] read(byte[] bytes, int at, int n) {
    int kind = bytes[at];
    ByteBuffer in = ByteBuffer.wrap(bytes);
    in.position(at + 1);
    Object[] values = new Object[n];
    for (int i = 0; i < n; i++) {
      int len = in.getInt();
      ByteBuffer elements = in.slice(in.position(), len * SIZES[kind]);
      values[i] = switch (kind) {
        case 0 -> get(elements.asIntBuffer(), new int[len]);
        case 1 -> get(elements.asLongBuffer(), new long[len]);
        case 2 -> get(elements.asDoubleBuffer(), new double[len]);
        case 3 -> get(elements.asFloatBuffer(), new float[len]);
        case 4 -> get(elements.asShortBuffer(), new short[len]);
        case 5 -> get(elements.asCharBuffer(), new char[len]);
        default -> {
          boolean[] a = new boolean[len];
          for (int j = 0; j < len; j++) {
            a[j] = elements.get(j) != 0;
          }
          yield a;
        }
      };
      in.position(in.position() + len * SIZES[kind]);
    }
    return values;
  }

  private static int[] get(IntBuffer src, int[] dst) {
    src.get(dst);
    return dst;
  }

  private static long[] get(LongBuffer src, long[] dst) {
    src.get(dst);
    return dst;
  }

  private static double[] get(DoubleBuffer src, double[] dst) {
    src.get(dst);
    return dst;
  }

  private static float[] get(FloatBuffer src, float[] dst) {
    src.get(dst);
    return dst;
  }

  private static short[] get(ShortBuffer src, short[] dst) {
    src.get(dst);
    return dst;
  }

  private static char[] get(CharBuffer src, char[] dst) {
    src.get(dst);
    return dst;
  }
}
