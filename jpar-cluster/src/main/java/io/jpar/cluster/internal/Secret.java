package io.jpar.cluster.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The cluster's shared secret, as an HMAC-SHA256 key. Community Hazelcast authenticates nobody, so every
 * message that makes a member run code carries a MAC of its bytes under this key, checked before
 * anything in it is decoded; the secret itself never crosses the wire.
 */
public final class Secret {
  private final SecretKeySpec key;

  public Secret(String secret) {
    if (secret == null || secret.isEmpty()) {
      throw new IllegalArgumentException("the shared secret is empty: give the same non-empty secret to the"
          + " members (--secret or JPAR_CLUSTER_SECRET) and to ClusterPool.connect(...).secret(...)");
    }
    this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
  }

  /** The MAC of {@code parts}, each length-prefixed so that moving bytes between parts changes it. */
  public byte[] mac(byte[]... parts) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      for (byte[] part : parts) {
        mac.update(ByteBuffer.allocate(4).putInt(part.length).array());
        mac.update(part);
      }
      return mac.doFinal();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available in this JDK", e);
    }
  }

  /** Whether {@code mac} is the MAC of {@code parts}, in time that does not depend on where they differ. */
  public boolean verifies(byte[] mac, byte[]... parts) {
    return mac != null && MessageDigest.isEqual(mac(parts), mac);
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
