package io.jpar.cluster.internal;

import java.io.DataInputStream;
import java.io.IOException;

/**
 * What a member answers a call with, as bytes (a tag, then the fields). A member never throws back to
 * the pool: a refusal, a missing class or a broken member is an answer the pool turns into a clear
 * failure, so Hazelcast never has to carry (and deserialize) an exception of ours.
 */
public sealed interface Reply {
  byte HELLO = 1;
  byte RESULTS = 2;
  byte REFUSED = 3;
  byte MISSING_CLASS = 4;
  byte FAILED = 5;

  byte[] encode();

  /** The handshake's answer: the member's proof that it knows the secret, and how many tasks it runs at once. */
  record Hello(String member, int workers, byte[] proof) implements Reply {
    @Override
    public byte[] encode() {
      return Wire.write(out -> {
        out.writeByte(HELLO);
        out.writeUTF(member);
        out.writeInt(workers);
        Wire.writeBytes(out, proof);
      });
    }
  }

  /** A chunk's outcomes ({@code Outcomes}, serialized) and the time its tasks took on the member. */
  record Results(String member, long taskWallNanos, long taskCpuNanos, byte[] outcomes) implements Reply {
    @Override
    public byte[] encode() {
      return Wire.write(out -> {
        out.writeByte(RESULTS);
        out.writeUTF(member);
        out.writeLong(taskWallNanos);
        out.writeLong(taskCpuNanos);
        Wire.writeBytes(out, outcomes);
      });
    }
  }

  /** The member would not run the call: its MAC did not verify (a wrong secret). */
  record Refused(String member, String reason) implements Reply {
    @Override
    public byte[] encode() {
      return Wire.write(out -> {
        out.writeByte(REFUSED);
        out.writeUTF(member);
        out.writeUTF(reason);
      });
    }
  }

  /** The member lacks a class the task or an input needs. */
  record MissingClass(String member, String className) implements Reply {
    @Override
    public byte[] encode() {
      return Wire.write(out -> {
        out.writeByte(MISSING_CLASS);
        out.writeUTF(member);
        out.writeUTF(className);
      });
    }
  }

  /**
   * The member could not run the chunk: it could not decode it, or ({@code elsewhere}) it is shutting
   * down or was cancelled, and the chunk may run on another member.
   */
  record Failed(String member, String message, boolean elsewhere) implements Reply {
    @Override
    public byte[] encode() {
      return Wire.write(out -> {
        out.writeByte(FAILED);
        out.writeUTF(member);
        out.writeUTF(message);
        out.writeBoolean(elsewhere);
      });
    }
  }

  static Reply decode(byte[] bytes) throws IOException {
    DataInputStream in = Wire.reader(bytes);
    byte tag = in.readByte();
    return switch (tag) {
      case HELLO -> new Hello(in.readUTF(), in.readInt(), Wire.readBytes(in));
      case RESULTS -> new Results(in.readUTF(), in.readLong(), in.readLong(), Wire.readBytes(in));
      case REFUSED -> new Refused(in.readUTF(), in.readUTF());
      case MISSING_CLASS -> new MissingClass(in.readUTF(), in.readUTF());
      case FAILED -> new Failed(in.readUTF(), in.readUTF(), in.readBoolean());
      default -> throw new IOException("a member's reply starts with the unknown tag " + tag
          + "; are the pool and the member the same jpar version?");
    };
  }
}
