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

  /**
   * Encodes arrays that are all of the same kind (the caller checked) as a block that converts them to
   * bytes when it is written, through a small buffer: no full-size copy in the heap.
   */
  static EncodedValues encode(Object[] values) throws IOException {
    int kind = kindOf(values[0].getClass());
    long length = 1 + 4 + 1;
    for (Object v : values) {
      length += 4 + (long) SIZES[kind] * Array.getLength(v);
    }
    if (length > Frame.MAX_LENGTH - 64) {
      throw new IOException("a chunk of " + values.length + " arrays takes " + length + " bytes, more than a frame"
          + " holds (1 GiB); use smaller chunks");
    }
    return EncodedValues.streamed(out -> {
      out.writeByte(Values.ARRAYS);
      out.writeInt(values.length);
      out.writeByte(kind);
      ByteBuffer scratch = ByteBuffer.allocate(Frame.IO_SLICE);
      for (Object v : values) {
        int n = Array.getLength(v);
        out.writeInt(n);
        int per = Frame.IO_SLICE / SIZES[kind];
        for (int from = 0; from < n; from += per) {
          int k = Math.min(per, n - from);
          scratch.clear();
          put(scratch, kind, v, from, k);
          out.write(scratch.array(), 0, k * SIZES[kind]);
        }
      }
    }, (int) length, values.length);
  }

  /** Elements {@code [from, from + k)} of array {@code v} into {@code b} from position 0, big-endian. */
  private static void put(ByteBuffer b, int kind, Object v, int from, int k) {
    switch (kind) {
      case 0 -> b.asIntBuffer().put((int[]) v, from, k);
      case 1 -> b.asLongBuffer().put((long[]) v, from, k);
      case 2 -> b.asDoubleBuffer().put((double[]) v, from, k);
      case 3 -> b.asFloatBuffer().put((float[]) v, from, k);
      case 4 -> b.asShortBuffer().put((short[]) v, from, k);
      case 5 -> b.asCharBuffer().put((char[]) v, from, k);
      default -> {
        boolean[] a = (boolean[]) v;
        for (int i = 0; i < k; i++) {
          b.put(i, (byte) (a[from + i] ? 1 : 0));
        }
      }
    }
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
