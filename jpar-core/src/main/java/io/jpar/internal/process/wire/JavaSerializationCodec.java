package io.jpar.internal.process.wire;

import io.jpar.spi.Codec;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.OutputStream;

/**
 * The default codec: Java serialization, reading only what the filter allows. With no allow-list the
 * filter admits JDK classes and classes of the application class loader (the user's own code and
 * libraries) and nothing else; with one, exactly {@code java.**}, {@code io.jpar.**} and the listed
 * patterns. Graph depth is capped either way.
 */
public final class JavaSerializationCodec implements Codec {
  private static final long MAX_DEPTH = 1_000;
  private final ObjectInputFilter filter;

  /** The default filter: JDK and application classes. */
  public JavaSerializationCodec() {
    this("");
  }

  /**
   * @param allowPatterns {@code ;}-separated {@link ObjectInputFilter.Config#createFilter} patterns, or
   *     empty for the default filter
   */
  public JavaSerializationCodec(String allowPatterns) {
    this.filter =
        allowPatterns.isBlank()
            ? JavaSerializationCodec::jdkOrApplication
            : ObjectInputFilter.Config.createFilter(
                "maxdepth=" + MAX_DEPTH + ";java.**;io.jpar.**;" + allowPatterns + ";!*");
  }

  private static ObjectInputFilter.Status jdkOrApplication(ObjectInputFilter.FilterInfo info) {
    if (info.depth() > MAX_DEPTH) {
      return ObjectInputFilter.Status.REJECTED;
    }
    Class<?> c = info.serialClass();
    if (c == null) {
      return ObjectInputFilter.Status.UNDECIDED;
    }
    while (c.isArray()) {
      c = c.getComponentType();
    }
    ClassLoader loader = c.getClassLoader();
    if (loader == null
        || loader == ClassLoader.getPlatformClassLoader()
        || loader == ClassLoader.getSystemClassLoader()
        || loader == Thread.currentThread().getContextClassLoader()) {
      return ObjectInputFilter.Status.ALLOWED;
    }
    return ObjectInputFilter.Status.REJECTED;
  }

  @Override
  public void encode(Object value, OutputStream out) throws IOException {
    ObjectOutputStream oos = new ObjectOutputStream(out);
    oos.writeObject(value);
    oos.flush();
  }

  /**
   * {@inheritDoc} From a {@link ByteArrayInputStream} (jpar decodes nothing else) an array, or a
   * collection's table, that claims more elements than there are bytes left is refused before it is
   * allocated: every element takes at least a byte, so the claim is a damaged stream, not a value.
   */
  @Override
  public Object decode(InputStream in) throws IOException, ClassNotFoundException {
    ObjectInputFilter f = in instanceof ByteArrayInputStream ? boundedBy(in.available(), filter) : filter;
    ObjectInputStream ois = new ObjectInputStream(in);
    ois.setObjectInputFilter(f);
    return ois.readObject();
  }

  private static ObjectInputFilter boundedBy(long size, ObjectInputFilter filter) {
    return info -> info.arrayLength() > size - info.streamBytes() ? ObjectInputFilter.Status.REJECTED
        : filter.checkInput(info);
  }
}
