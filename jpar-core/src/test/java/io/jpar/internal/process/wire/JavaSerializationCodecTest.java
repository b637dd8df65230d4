package io.jpar.internal.process.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InvalidClassException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class JavaSerializationCodecTest {
  private final JavaSerializationCodec codec = new JavaSerializationCodec();

  @Test
  void anArrayThatClaimsMoreElementsThanTheBytesLeftIsRefusedNotAllocated() throws IOException {
    byte[] bytes = encode(new long[4]);
    int length = indexOfInt(bytes, 4); // the array's length follows its class descriptor
    ByteBuffer.wrap(bytes).putInt(length, Integer.MAX_VALUE - 8);
    assertThatThrownBy(() -> codec.decode(new ByteArrayInputStream(bytes)))
        .isInstanceOf(InvalidClassException.class).hasMessageContaining("REJECTED");
  }

  @Test
  void aCollectionThatClaimsMoreElementsThanTheBytesLeftIsRefusedNotAllocated() throws IOException {
    List<Integer> list = new ArrayList<>(List.of(1, 2, 3));
    byte[] bytes = encode(list);
    int size = indexOfInt(bytes, 3); // ArrayList writes its size, then sizes its table from it
    ByteBuffer.wrap(bytes).putInt(size, 1 << 30);
    assertThatThrownBy(() -> codec.decode(new ByteArrayInputStream(bytes)))
        .isInstanceOf(InvalidClassException.class).hasMessageContaining("REJECTED");
  }

  @Test
  void largeArraysThatAreThereStillDecode() throws Exception {
    byte[] big = new byte[3 << 20];
    big[big.length - 1] = 7;
    assertThat((byte[]) codec.decode(new ByteArrayInputStream(encode(big)))).isEqualTo(big);
    Object[] many = new Object[100_000];
    assertThat((Object[]) codec.decode(new ByteArrayInputStream(encode(many)))).hasSize(many.length);
  }

  private byte[] encode(Object value) throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    codec.encode(value, buf);
    return buf.toByteArray();
  }

  /** Where the big-endian int {@code value} first occurs after the stream header. */
  private static int indexOfInt(byte[] bytes, int value) {
    ByteBuffer b = ByteBuffer.wrap(bytes);
    for (int i = 4; i <= bytes.length - 4; i++) {
      if (b.getInt(i) == value) {
        return i;
      }
    }
    throw new AssertionError("no int " + value + " in the stream");
  }
}
