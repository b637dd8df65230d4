package io.jpar.cluster.internal;

import io.jpar.spi.Job;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * How tasks, inputs and results cross between a pool and a member: Java serialization of the user's
 * objects, inside our own byte arrays, so that Hazelcast only ever carries byte arrays in {@code
 * DataSerializable} calls and its own Java deserialization can be limited to nothing of the user's.
 */
public final class Wire {
  private Wire() {}

  public static byte[] serialize(Object value) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(value);
    }
    return bytes.toByteArray();
  }

  /**
   * The inputs of {@code jobs} as one serialized list; a job whose input cannot be serialized fails alone.
   * The jobs sent and their inputs are added to {@code sendable} and {@code inputs}.
   */
  static byte[] encodeInputs(List<? extends Job> jobs, List<Job> sendable, List<Object> inputs) {
    for (Job job : jobs) {
      sendable.add(job);
      inputs.add(job.input());
    }
    try {
      return Wire.serialize(new ArrayList<>(inputs));
    } catch (IOException whole) {
      sendable.clear();
      inputs.clear();
      for (Job job : jobs) {
        try {
          Wire.serialize(job.input());
          sendable.add(job);
          inputs.add(job.input());
        } catch (IOException e) {
          job.fail(new IllegalArgumentException("input #" + job.index() + " cannot be sent to a cluster member: "
              + e + "; inputs must be Serializable", e));
        }
      }
      try {
        return Wire.serialize(new ArrayList<>(inputs));
      } catch (IOException e) {
        throw new IllegalStateException("inputs that serialize one by one failed together", e);
      }
    }
  }

  /** Reads one object, resolving classes in {@code loader} (the task's, on the pool's side; the class path's on a member). */
  public static Object deserialize(byte[] bytes, ClassLoader loader) throws IOException, ClassNotFoundException {
    try (ObjectInputStream in = new LoaderObjectInputStream(new ByteArrayInputStream(bytes), loader)) {
      return in.readObject();
    }
  }

  /** Writes with a {@link DataOutputStream}; the writer's {@link IOException} cannot happen in memory. */
  static byte[] write(IoWriter writer) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      writer.write(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  static DataInputStream reader(byte[] bytes) {
    return new DataInputStream(new ByteArrayInputStream(bytes));
  }

  static void writeBytes(DataOutputStream out, byte[] b) throws IOException {
    out.writeInt(b.length);
    out.write(b);
  }

  static byte[] readBytes(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < 0 || n > in.available()) {
      throw new IOException("a length of " + n + " bytes where " + in.available() + " remain");
    }
    return in.readNBytes(n);
  }

  interface IoWriter {
    void write(DataOutputStream out) throws IOException;
  }

  private static final class LoaderObjectInputStream extends ObjectInputStream {
    private final ClassLoader loader;

    LoaderObjectInputStream(InputStream in, ClassLoader loader) throws IOException {
      super(in);
      this.loader = loader;
    }

    @Override
    protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
      try {
        return Class.forName(desc.getName(), false, loader);
      } catch (ClassNotFoundException e) {
        return super.resolveClass(desc); // primitives and arrays of them
      }
    }
  }
}
