package io.jpar.internal.process;

import io.jpar.Task;
import io.jpar.spi.Job;
import io.jpar.internal.process.wire.JavaSerializationCodec;
import io.jpar.internal.process.wire.RemoteFailure;
import io.jpar.internal.process.wire.Values;
import io.jpar.spi.Codec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The parent's side of the encoding: tasks and inputs on their way to workers, results and failures
 * on their way back. Stateless apart from the codec, so any thread may use it.
 */
final class Wire {
  private final Codec codec;

  Wire(ProcessSettings ps) {
    try {
      this.codec = ps.codec() == JavaSerializationCodec.class
          ? new JavaSerializationCodec(ps.allowClasses())
          : ps.codec().getConstructor().newInstance();
    } catch (ReflectiveOperationException e) {
      throw new IllegalArgumentException("cannot create codec " + ps.codec().getName() + ": " + e, e);
    }
  }

  /** The task's bytes; a task that cannot travel is refused here, before anything is sent. */
  byte[] encodeTask(Task<?, ?> task, String what) {
    try {
      return Values.encodeOne(task, codec);
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("The " + what + " cannot be sent to a worker process: " + e
          + ". A lambda can be sent when its target type is Task and everything it captures is Serializable;"
          + " the class named here is the one that is not.", e);
    }
  }

  byte[] encodeInputs(List<? extends Job> jobs) throws IOException {
    Object[] inputs = new Object[jobs.size()];
    for (int i = 0; i < inputs.length; i++) {
      inputs[i] = jobs.get(i).input();
    }
    return encodeValues(inputs);
  }

  /** For inputs that were encoded once already: a failure now is a bug, not the user's input. */
  byte[] encodeInputsAgain(List<? extends Job> jobs) {
    try {
      return encodeInputs(jobs);
    } catch (IOException e) {
      throw new IllegalStateException("inputs that encoded before no longer encode", e);
    }
  }

  private byte[] encodeValues(Object[] values) throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream(64 + 8 * values.length);
    DataOutputStream out = new DataOutputStream(buf);
    Values.write(out, values, codec);
    out.flush();
    return buf.toByteArray();
  }

  /** Fails each input that will not encode, naming its class; returns the ones that will. */
  List<Job> failUnencodable(List<? extends Job> jobs) {
    List<Job> ok = new ArrayList<>();
    for (Job j : jobs) {
      try {
        encodeValues(new Object[] {j.input()});
        ok.add(j);
      } catch (IOException | RuntimeException e) {
        String type = j.input() == null ? "null" : j.input().getClass().getName();
        j.fail(new IllegalArgumentException("The input (" + type + ") cannot be sent to a worker process: " + e, e));
      }
    }
    return ok;
  }

  /** The BATCH frame body: batch id, task id, the task's code if the worker lacks it, the inputs. */
  static byte[] batchBody(Batch b, boolean withCode) {
    byte[] code = withCode ? b.task.bytes : new byte[0];
    ByteArrayOutputStream buf = new ByteArrayOutputStream(24 + code.length + b.inputs.length);
    try (DataOutputStream out = new DataOutputStream(buf)) {
      out.writeLong(b.id);
      out.writeInt(b.task.id);
      out.writeInt(code.length);
      out.write(code);
      out.write(b.inputs);
    } catch (IOException e) {
      throw new IllegalStateException(e); // a byte array does not fail
    }
    return buf.toByteArray();
  }

  /**
   * The values of a RESULTS frame ({@code in} is positioned at them). Values that cannot be decoded
   * here (a class missing in this JVM, a filter refusal) become failures saying so, one per value.
   */
  Object[] decodeResults(DataInputStream in, byte[] payload) throws IOException {
    try {
      return Values.read(in, codec);
    } catch (ClassNotFoundException | IOException | RuntimeException e) {
      Object[] values = new Object[countValues(payload)];
      Arrays.fill(values, RemoteFailure.of(new IllegalStateException(
          "the task's results could not be decoded in the caller: " + e, e), null));
      return values;
    }
  }

  private static int countValues(byte[] payload) throws IOException {
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload));
    in.skipBytes(8 + 4 + 1 + 8 + 8 + 1);
    return in.readInt();
  }

  RemoteFailure decodeFailure(byte[] bytes) {
    try {
      return (RemoteFailure) Values.decodeOne(bytes, codec);
    } catch (IOException | ClassNotFoundException | RuntimeException e) {
      return new RemoteFailure(null, "unknown", "the worker's error report could not be decoded: " + e, "");
    }
  }

  Throwable toThrowable(RemoteFailure rf) {
    return Recovery.toThrowable(rf, codec);
  }
}
