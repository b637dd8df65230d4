package io.jpar.cluster.internal;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializable;
import java.io.IOException;
import java.util.concurrent.Callable;

/**
 * The handshake a pool makes with each member before sending it work: a fresh nonce and its MAC. The
 * member refuses (and logs) a MAC that does not verify; otherwise it answers with a MAC of its own over
 * the nonce — so the pool also knows the member holds the secret — and its number of workers.
 */
public final class HelloCall implements Callable<byte[]>, DataSerializable, HazelcastInstanceAware {
  private byte[] nonce;
  private byte[] mac;
  private transient HazelcastInstance member;

  /** For Hazelcast's deserialization. */
  public HelloCall() {}

  HelloCall(Secret secret, byte[] nonce) {
    this.nonce = nonce;
    this.mac = secret.mac(clientParts(nonce));
  }

  static byte[][] clientParts(byte[] nonce) {
    return new byte[][] {Secret.utf8("hello"), nonce};
  }

  static byte[][] memberParts(byte[] nonce) {
    return new byte[][] {Secret.utf8("member"), nonce};
  }

  byte[] nonce() {
    return nonce;
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
    return MemberRuntime.of(member).hello(this).encode();
  }

  @Override
  public void writeData(ObjectDataOutput out) throws IOException {
    out.writeByteArray(nonce);
    out.writeByteArray(mac);
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    nonce = in.readByteArray();
    mac = in.readByteArray();
  }
}
