package io.jpar.internal.process.wire;

import io.jpar.spi.Codec;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InvalidClassException;
import java.io.InvalidObjectException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.lang.invoke.SerializedLambda;
import java.lang.reflect.Method;

/**
 * The default codec: Java serialization, reading only what the filter allows. With no allow-list the
 * filter admits JDK classes and classes of the application class loader (the user's own code and
 * libraries) and nothing else; with one, exactly {@code java.**}, {@code io.jpar.**} and the listed
 * patterns. Graph depth is capped either way.
 *
 * <p>A serializable lambda that captures nothing (the usual task) is written without an object stream:
 * a two-byte mark and the names of its {@link SerializedLambda}. A fresh worker JVM then rebuilds its
 * first task without starting the object-stream machinery (25-35 ms of class initialization and
 * method-handle spinning; the rebuild costs a few). The filter guards that path as it guards a stream:
 * the capturing class is loaded without being initialized and, with {@code SerializedLambda} itself,
 * passed to the filter, and anything it does not explicitly allow is refused before any code of that
 * class runs; then the class's own compiler-generated {@code $deserializeLambda$} is invoked, which —
 * as when an object stream resolves a {@code SerializedLambda} — only makes the lambdas that class
 * declared, and refuses other names. Lambdas in a package not open to jpar take the object stream.
 */
public final class JavaSerializationCodec implements Codec {
  private static final long MAX_DEPTH = 1_000;
  /** Starts a lambda written by its names; an object stream starts 0xACED, so the two never meet. */
  private static final int LAMBDA_MARK = 0x4A4C;
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
    SerializedLambda lambda = captureLess(value);
    if (lambda != null) {
      DataOutputStream d = new DataOutputStream(out);
      d.writeShort(LAMBDA_MARK);
      d.writeUTF(lambda.getCapturingClass());
      d.writeUTF(lambda.getFunctionalInterfaceClass());
      d.writeUTF(lambda.getFunctionalInterfaceMethodName());
      d.writeUTF(lambda.getFunctionalInterfaceMethodSignature());
      d.writeInt(lambda.getImplMethodKind());
      d.writeUTF(lambda.getImplClass());
      d.writeUTF(lambda.getImplMethodName());
      d.writeUTF(lambda.getImplMethodSignature());
      d.writeUTF(lambda.getInstantiatedMethodType());
      d.flush();
      return;
    }
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
    if (in.markSupported()) {
      in.mark(2);
      if (((in.read() << 8) | in.read()) == LAMBDA_MARK) {
        return decodeLambda(new DataInputStream(in), f);
      }
      in.reset();
    }
    ObjectInputStream ois = new ObjectInputStream(in);
    ois.setObjectInputFilter(f);
    return ois.readObject();
  }

  private static ObjectInputFilter boundedBy(long size, ObjectInputFilter filter) {
    return info -> info.arrayLength() > size - info.streamBytes() ? ObjectInputFilter.Status.REJECTED
        : filter.checkInput(info);
  }

  /** The lambda's serial form if {@code value} is a serializable lambda that captures nothing, else null. */
  private static SerializedLambda captureLess(Object value) {
    if (!(value instanceof Serializable) || !value.getClass().isHidden()) {
      return null;
    }
    try {
      Method writeReplace = value.getClass().getDeclaredMethod("writeReplace");
      writeReplace.setAccessible(true);
      return writeReplace.invoke(value) instanceof SerializedLambda s && s.getCapturedArgCount() == 0 ? s : null;
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null; // not a lambda, or one in a package not open to us: the object stream handles it
    }
  }

  /** Rebuilds a lambda written by {@link #encode}; see the class comment for how the filter is applied. */
  private static Object decodeLambda(DataInputStream d, ObjectInputFilter filter)
      throws IOException, ClassNotFoundException {
    String capturing = d.readUTF().replace('/', '.');
    String fiClass = d.readUTF();
    String fiMethod = d.readUTF();
    String fiSignature = d.readUTF();
    int implKind = d.readInt();
    String implClass = d.readUTF();
    String implMethod = d.readUTF();
    String implSignature = d.readUTF();
    String instantiated = d.readUTF();
    allow(filter, SerializedLambda.class);
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    Class<?> c = Class.forName(capturing, false, loader == null ? ClassLoader.getSystemClassLoader() : loader);
    allow(filter, c);
    SerializedLambda s = new SerializedLambda(
        c, fiClass, fiMethod, fiSignature, implKind, implClass, implMethod, implSignature, instantiated, new Object[0]);
    try {
      Method m = c.getDeclaredMethod("$deserializeLambda$", SerializedLambda.class);
      m.setAccessible(true);
      return m.invoke(null, s);
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new InvalidObjectException("cannot rebuild a lambda of " + c.getName() + ": " + e);
    }
  }

  /** Refuses {@code c} unless the filter explicitly allows it (an undecided answer is a refusal here). */
  private static void allow(ObjectInputFilter filter, Class<?> c) throws InvalidClassException {
    ObjectInputFilter.FilterInfo info = new ObjectInputFilter.FilterInfo() {
      @Override public Class<?> serialClass() { return c; }
      @Override public long arrayLength() { return -1; }
      @Override public long depth() { return 1; }
      @Override public long references() { return 0; }
      @Override public long streamBytes() { return 0; }
    };
    ObjectInputFilter.Status status = filter.checkInput(info);
    if (status != ObjectInputFilter.Status.ALLOWED) {
      throw new InvalidClassException(c.getName(), "filter status: " + (status == null ? "null" : status));
    }
  }
}
