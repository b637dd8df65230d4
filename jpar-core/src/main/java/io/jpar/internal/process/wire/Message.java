package io.jpar.internal.process.wire;

import io.jpar.internal.process.wire.Frame.ProtocolException;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * One message of the worker protocol. Each record is the one place its payload's layout is written
 * ({@link #writePayload}) and read (its static {@code decode(byte[])}), side by side; both sides use
 * the same records. Payloads, big-endian, where {@code str} is {@code [u32 n][n bytes of UTF-8]},
 * {@code bytes} is {@code [u32 n][n bytes]}, {@code values} is a {@link Values} block and a field
 * marked "to the end" fills the rest of the payload:
 *
 * <pre>
 * parent -> worker
 *   CONFIG       {@link Config}      [i32 workerId][str codecClass][str allowPatterns][u8 flushEachResult]
 *                                    [i32 heartbeatMillis][i32 initializerTimeoutMillis][bytes initializer]
 *                                    [i32 valueFileThreshold][str valueFileDirectory]
 *   BATCH        {@link RunBatch}    [i64 batchId][i32 taskId][bytes taskCode][values inputs, to the end]
 *   SHUTDOWN     {@link Shutdown}    (empty)
 * worker -> parent
 *   HELLO        {@link Hello}       [i64 pid]
 *   RESULTS      {@link Results}     [i64 batchId][i32 from][u8 last][i64 wallNanos][i64 cpuNanos][values, to the end]
 *   INIT_FAILED  {@link InitFailed}  [u8 hung][failure, to the end]
 *   FATAL        {@link Fatal}       [i64 batchId][i32 index][failure, to the end]
 *   HEARTBEAT    {@link Heartbeat}   (empty)
 * </pre>
 *
 * A {@code failure} is the codec's encoding of a {@link RemoteFailure}. Booleans are 0 or 1; counts,
 * lengths and indexes are never negative. Decoding checks every length against the bytes that are
 * there before it allocates anything, and rejects a payload that is short, long or inconsistent with a
 * {@link ProtocolException} saying which message and field; it decodes nothing with the codec.
 */
public sealed interface Message permits Message.ToWorker, Message.ToParent {
  /** The frame type that carries this message. */
  byte type();

  /** The payload's exact size in bytes. */
  int payloadLength();

  /** Writes the payload: exactly {@link #payloadLength()} bytes. */
  void writePayload(DataOutputStream out) throws IOException;

  /**
   * Writes the message as one frame, straight to {@code out} without assembling the payload first (a
   * batch's inputs are not copied). The caller flushes and guards the stream against interleaving.
   */
  default void writeTo(DataOutputStream out) throws IOException {
    int length = payloadLength();
    Frame.writeHeader(out, type(), length);
    DataOutputStream payload = new DataOutputStream(out); // counts what writePayload writes
    writePayload(payload);
    if (payload.size() != length) {
      throw new IllegalStateException(Frame.typeName(type()) + " announced " + length + " payload bytes and wrote "
          + payload.size() + "; the stream is now broken");
    }
  }

  /** What the parent sends; what a worker decodes. */
  sealed interface ToWorker extends Message permits Config, RunBatch, Shutdown {
    /**
     * The worker's reader: the next message on {@code in}, decoded as it arrives (a batch's big inputs
     * go from the stream straight into their arrays).
     *
     * @throws java.io.EOFException when the stream ends (between frames: {@code "end of stream"})
     * @throws ProtocolException when the bytes are not a frame, or not one a worker expects
     */
    static ToWorker readFrom(DataInputStream in) throws IOException {
      return readFrom(in, ValueFiles.off());
    }

    /** As {@link #readFrom(DataInputStream)}, reading the values that came in {@code files} (and deleting those files). */
    static ToWorker readFrom(DataInputStream in, ValueFiles files) throws IOException {
      return PayloadReader.readFrom(in, files, ToWorker::read);
    }

    /** The worker's decoder of a whole frame: rejects any frame a worker is not meant to receive. */
    static ToWorker decode(Frame f) throws ProtocolException {
      return PayloadReader.decodeWhole(f, ToWorker::read);
    }

    private static ToWorker read(byte type, PayloadReader r) throws IOException {
      return switch (type) {
        case Frame.CONFIG -> Config.read(r);
        case Frame.BATCH -> RunBatch.read(r);
        case Frame.SHUTDOWN -> Shutdown.read(r);
        default -> throw new ProtocolException("a worker does not expect a frame of " + Frame.typeName(type));
      };
    }
  }

  /** What a worker sends; what the parent decodes. */
  sealed interface ToParent extends Message permits Hello, Results, InitFailed, Fatal, Heartbeat {
    /**
     * The parent's reader: the next message on {@code in}, decoded as it arrives (big results go from
     * the stream straight into their arrays).
     *
     * @throws java.io.EOFException when the stream ends (between frames: {@code "end of stream"})
     * @throws ProtocolException when the bytes are not a frame, or not one the parent expects
     */
    static ToParent readFrom(DataInputStream in) throws IOException {
      return readFrom(in, ValueFiles.off());
    }

    /** As {@link #readFrom(DataInputStream)}, reading the values that came in {@code files} (and deleting those files). */
    static ToParent readFrom(DataInputStream in, ValueFiles files) throws IOException {
      return PayloadReader.readFrom(in, files, ToParent::read);
    }

    /** The parent's decoder of a whole frame: rejects any frame the parent is not meant to receive. */
    static ToParent decode(Frame f) throws ProtocolException {
      return PayloadReader.decodeWhole(f, ToParent::read);
    }

    private static ToParent read(byte type, PayloadReader r) throws IOException {
      return switch (type) {
        case Frame.HELLO -> Hello.read(r);
        case Frame.RESULTS -> Results.read(r);
        case Frame.INIT_FAILED -> InitFailed.read(r);
        case Frame.FATAL -> Fatal.read(r);
        case Frame.HEARTBEAT -> Heartbeat.read(r);
        default -> throw new ProtocolException("the parent does not expect a frame of " + Frame.typeName(type));
      };
    }
  }
}
