package io.jpar.internal.process;

import io.jpar.Task;
import io.jpar.internal.process.wire.EncodedValues;
import io.jpar.spi.Job;
import io.jpar.internal.process.wire.JavaSerializationCodec;
import io.jpar.internal.process.wire.RemoteFailure;
import io.jpar.internal.process.wire.RunBatch;
import io.jpar.internal.process.wire.Values;
import io.jpar.spi.Codec;
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

  EncodedValues encodeInputs(List<? extends Job> jobs) throws IOException {
    Object[] inputs = new Object[jobs.size()];
    for (int i = 0; i < inputs.length; i++) {
      inputs[i] = jobs.get(i).input();
    }
    return encodeValues(inputs);
  }

  /** For inputs that were encoded once already: a failure now is a bug, not the user's input. */
  EncodedValues encodeInputsAgain(List<? extends Job> jobs) {
    try {
      return encodeInputs(jobs);
    } catch (IOException e) {
      throw new IllegalStateException("inputs that encoded before no longer encode", e);
    }
  }

  /**
   * The block, kept by the batch while it is queued or running: an array of its own, or for byte
   * arrays the inputs themselves, written to the worker straight from them.
   */
  private EncodedValues encodeValues(Object[] values) throws IOException {
    return Values.encode(values, codec);
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

  /** The BATCH message for a batch: its task's code only if the worker lacks it, its inputs as encoded. */
  static RunBatch runBatch(Batch b, boolean withCode) {
    return new RunBatch(b.id, b.task.id, withCode ? b.task.bytes : new byte[0], b.inputs);
  }

  /**
   * The values of a RESULTS message, whose count the caller has checked against its batch. Values
   * that cannot be decoded here (a class missing in this JVM, a filter refusal) become failures saying
   * so, one per value.
   */
  Object[] decodeResults(EncodedValues block) {
    try {
      return Values.read(block, codec);
    } catch (ClassNotFoundException | IOException | RuntimeException | LinkageError e) {
      Object[] values = new Object[block.count()];
      Arrays.fill(values, RemoteFailure.of(new IllegalStateException(
          "the task's results could not be decoded in the caller: " + e, e), null));
      return values;
    }
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
