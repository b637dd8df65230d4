package io.jpar.internal.process.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jpar.Task;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.InvalidObjectException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
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

  @Test
  void aCaptureLessLambdaTravelsByNameAndStillWorks() throws Exception {
    Task<Object, Object> task = x -> (Integer) x + 1;
    byte[] bytes = encode(task);
    assertThat(ByteBuffer.wrap(bytes).getShort()).as("no object stream header").isNotEqualTo((short) 0xACED);
    @SuppressWarnings("unchecked")
    Task<Object, Object> back = (Task<Object, Object>) codec.decode(new ByteArrayInputStream(bytes));
    assertThat(back.apply(41)).isEqualTo(42);
  }

  @Test
  void aCapturingLambdaStillTakesTheObjectStream() throws Exception {
    int plus = 2;
    Task<Object, Object> task = x -> (Integer) x + plus;
    byte[] bytes = encode(task);
    assertThat(ByteBuffer.wrap(bytes).getShort()).isEqualTo((short) 0xACED);
    @SuppressWarnings("unchecked")
    Task<Object, Object> back = (Task<Object, Object>) codec.decode(new ByteArrayInputStream(bytes));
    assertThat(back.apply(40)).isEqualTo(42);
  }

  @Test
  void aLambdaByNameIsRefusedWhenTheFilterDoesNotAllowItsClass() throws Exception {
    // A lambda named as if captured in a class outside io.jpar (always allowed by an allow-list).
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    DataOutputStream d = new DataOutputStream(buf);
    d.writeShort(0x4A4C);
    d.writeUTF("org/junit/jupiter/api/Assertions");
    for (String name : new String[] {"io/jpar/Task", "apply", "(Ljava/lang/Object;)Ljava/lang/Object;"}) {
      d.writeUTF(name);
    }
    d.writeInt(6);
    for (String name : new String[] {"org/junit/jupiter/api/Assertions", "lambda$0", "(Ljava/lang/Object;)Ljava/lang/Object;",
        "(Ljava/lang/Object;)Ljava/lang/Object;"}) {
      d.writeUTF(name);
    }
    byte[] bytes = buf.toByteArray();
    JavaSerializationCodec strict = new JavaSerializationCodec("com.example.**");
    assertThatThrownBy(() -> strict.decode(new ByteArrayInputStream(bytes)))
        .isInstanceOf(InvalidClassException.class).hasMessageContaining("REJECTED");
    // The default filter allows the class (the application's), but the class declared no such lambda.
    assertThatThrownBy(() -> codec.decode(new ByteArrayInputStream(bytes))).isInstanceOf(InvalidObjectException.class);
  }

  @Test
  void aLambdaByNameThatItsClassDidNotDeclareIsRefused() throws IOException {
    Task<Object, Object> task = x -> x;
    byte[] bytes = encode(task);
    byte[] forged = new String(bytes, StandardCharsets.ISO_8859_1).replace("lambda$", "lambdX$")
        .getBytes(StandardCharsets.ISO_8859_1);
    assertThatThrownBy(() -> codec.decode(new ByteArrayInputStream(forged))).isInstanceOf(InvalidObjectException.class);
    byte[] cut = Arrays.copyOf(bytes, bytes.length / 2);
    assertThatThrownBy(() -> codec.decode(new ByteArrayInputStream(cut))).isInstanceOf(IOException.class);
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
