package io.jpar.spi;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Turns tasks, inputs and results into bytes and back, for the trip between the caller's JVM and a
 * worker JVM. The default is Java serialization behind an {@link java.io.ObjectInputFilter}; a faster or
 * safer codec can be plugged in with {@code Pool.processes().codec(MyCodec.class)}. A worker creates its
 * own instance with the public no-argument constructor, so a codec must have one and must be on the
 * class path of both JVMs.
 *
 * {@snippet :
 * public final class KryoCodec implements Codec {
 *   public void encode(Object value, OutputStream out) throws IOException { ... }
 *   public Object decode(InputStream in) throws IOException, ClassNotFoundException { ... }
 * }
 * }
 *
 * <p>Thread safety: one instance may be used by several threads at once; keep per-call state local.
 *
 * @since 0.1
 */
public interface Codec {
  /**
   * Writes {@code value} (any object graph the codec supports, or {@code null}) to {@code out}.
   *
   * @param value the value to write
   * @param out where to write it; the codec must not close it
   * @throws IOException if writing fails or the value cannot be encoded
   */
  void encode(Object value, OutputStream out) throws IOException;

  /**
   * Reads one value written by {@link #encode}.
   *
   * @param in where to read it from; the codec must not close it
   * @return the value
   * @throws IOException if reading fails or the bytes are not a value
   * @throws ClassNotFoundException if the value's class is not on this side's class path
   */
  Object decode(InputStream in) throws IOException, ClassNotFoundException;
}
