package io.jpar.cluster.internal;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.Callable;

/**
 * One chunk sent to one member: the encoded task, the encoded inputs, the per-task timeout, and the MAC
 * of all three under the shared secret. Hazelcast carries it as plain byte arrays ({@link
 * DataSerializable}, no Java serialization); the member checks the MAC before it decodes anything.
 */
public final class ChunkCall implements Callable<byte[]>, DataSerializable, HazelcastInstanceAware {
  private byte[] task;
  private byte[] inputs;
  private long timeoutNanos;
  private byte[] mac;
  private transient HazelcastInstance member;

  /** For Hazelcast's deserialization. */
  public ChunkCall() {}

  ChunkCall(Secret secret, byte[] task, byte[] inputs, long timeoutNanos) {
    this.task = task;
    this.inputs = inputs;
    this.timeoutNanos = timeoutNanos;
    this.mac = secret.mac(macParts());
  }

  byte[][] macParts() {
    return new byte[][] {Secret.utf8("chunk"), task, inputs, ByteBuffer.allocate(8).putLong(timeoutNanos).array()};
  }

  byte[] task() {
    return task;
  }

  byte[] inputs() {
    return inputs;
  }

  long timeoutNanos() {
    return timeoutNanos;
  }

  byte[] mac() {
    return mac;
  }

  @Override
  public void setHazelcastInstance(HazelcastInstance instance) {
    this.member = instance;
  }

  @Override
  public byte[] call() {
    return MemberRuntime.of(member).run(this).encode();
  }

  @Override
  public void writeData(ObjectDataOutput out) throws IOException {
    out.writeByteArray(task);
    out.writeByteArray(inputs);
    out.writeLong(timeoutNanos);
    out.writeByteArray(mac);
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    task = in.readByteArray();
    inputs = in.readByteArray();
    timeoutNanos = in.readLong();
    mac = in.readByteArray();
  }
}
