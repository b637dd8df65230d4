package io.jpar.internal.process.wire;

import java.io.IOException;
import java.lang.reflect.Array;
import java.nio.ByteBuffer;

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
  static int parse(PayloadReader r) throws IOException {
    int n = r.count("count", 4);
    byte kind = kind(r);
    for (int i = 0; i < n; i++) {
      int len = r.count("array length", SIZES[kind]);
      r.skip(len * SIZES[kind], "array elements");
    }
    return n;
  }

  /** The block's kind byte, checked. */
  static byte kind(PayloadReader r) throws IOException {
    byte kind = r.i8("array kind");
    if (kind < 0 || kind > BOOLEANS) {
      throw r.error("unknown array kind " + kind);
    }
    return kind;
  }

  /**
   * One array of the kind: its length, then its elements, read in pieces straight into the array
   * (allocated once an eighth of its bytes has arrived, see {@link PayloadReader#pieces}).
   */
  static Object readOne(PayloadReader r, byte kind) throws IOException {
    int size = SIZES[kind];
    int len = r.count("array length", size);
    Object[] into = new Object[1];
    r.pieces(len * size, new PayloadReader.Sink() {
      @Override
      public void open() {
        into[0] = Array.newInstance(KINDS[kind].componentType(), len);
      }

      @Override
      public void put(byte[] b, int k, int at) {
        get(ByteBuffer.wrap(b, 0, k), kind, into[0], at / size, k / size);
      }
    });
    return into[0];
  }

  /** {@code k} elements from {@code src} into array {@code v} from {@code from}, big-endian. */
  private static void get(ByteBuffer src, int kind, Object v, int from, int k) {
    switch (kind) {
      case 0 -> src.asIntBuffer().get((int[]) v, from, k);
      case 1 -> src.asLongBuffer().get((long[]) v, from, k);
      case 2 -> src.asDoubleBuffer().get((double[]) v, from, k);
      case 3 -> src.asFloatBuffer().get((float[]) v, from, k);
      case 4 -> src.asShortBuffer().get((short[]) v, from, k);
      case 5 -> src.asCharBuffer().get((char[]) v, from, k);
      default -> {
        boolean[] a = (boolean[]) v;
        for (int i = 0; i < k; i++) {
          a[from + i] = src.get(i) != 0;
        }
      }
    }
  }
}
