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
  /** Writes {@code value} (any object graph the codec supports, or {@code null}) to {@code out}. */
  void encode(Object value, OutputStream out) throws IOException;

  /** Reads one value written by {@link #encode}. */
  Object decode(InputStream in) throws IOException, ClassNotFoundException;
}
