package io.jpar.internal.process.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every message survives the trip through a stream and its side's decoder: equal after, including
 * empty arrays, the largest ids and non-ASCII strings; and every value block decodes to equal values.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class MessageRoundTripTest {
  static final JavaSerializationCodec CODEC = new JavaSerializationCodec();
  static final String UNICODE = "héllo wörld, 世界, Ελληνικά, 😀 \u0000 end";

  @Test
  void strayOutputWhereAFrameShouldStartKeepsItsFirstByte() {
    // A JVM exiting on OutOfMemoryError prints "Terminating due to ..." to stdout, the frame pipe: the
    // reader takes the 'T' for a magic byte, and the crash report must still show "Terminating".
    byte[] stray = "Terminating due to java.lang.OutOfMemoryError".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    assertThatThrownBy(() -> Frame.readFrom(new DataInputStream(new ByteArrayInputStream(stray))))
        .isInstanceOfSatisfying(Frame.ProtocolException.class, e -> assertThat(e.strayByte()).isEqualTo('T'));
  }

  @Test
  void configRoundTrips() throws IOException {
    byte[] initializer = {1, 2, 3, (byte) 0xA7, -1};
    assertToWorker(new Config(1, JavaSerializationCodec.class.getName(), "", false, 0, 0, new byte[0]));
    assertToWorker(new Config(Integer.MAX_VALUE, "com.example.Codec", "com.example.**;org.*", true, 500, 60_000,
        initializer));
    assertToWorker(new Config(Integer.MIN_VALUE, UNICODE, UNICODE, true, Integer.MAX_VALUE, Integer.MAX_VALUE, initializer));
    // Longer than writeUTF's 64 KB: the strings' lengths are u32.
    assertToWorker(new Config(7, "", "x.".repeat(40_000), false, 1, 1, new byte[100_000]));
    assertToWorker(new Config(3, "c", "", false, 500, 0, initializer, 1 << 20, "/dev/shm"));
    assertToWorker(new Config(3, "c", "", false, 500, 0, initializer, Integer.MAX_VALUE, UNICODE));
  }

  @Test
  void aConfigWithANegativeLimitIsRefusedNamingTheField() throws IOException {
    byte[] payload = frameOf(new Config(1, "c", "", false, 500, 0, new byte[0])).payload();
    // workerId, codec class "c", allow patterns "", flush: the heartbeat field starts after them
    int at = 4 + 4 + 1 + 4 + 1;
    payload[at] = (byte) 0x80;
    assertThatThrownBy(() -> Message.ToWorker.decode(new Frame(Frame.CONFIG, payload)))
        .isInstanceOf(Frame.ProtocolException.class).hasMessageContaining("heartbeat millis");
  }

  @Test
  void runBatchRoundTripsWithAndWithoutTheTaskCode() throws IOException {
    EncodedValues inputs = encode(1, 2, 3);
    assertToWorker(new RunBatch(1, 1, new byte[0], inputs));
    assertToWorker(new RunBatch(Long.MAX_VALUE, Integer.MAX_VALUE, new byte[] {9, 8, 7}, inputs));
    assertToWorker(new RunBatch(Long.MIN_VALUE, Integer.MIN_VALUE, new byte[0], encode()));
    assertToWorker(new RunBatch(5, 6, new byte[1000], encode("a", UNICODE, "")));
  }

  @Test
  void shutdownRoundTripsEmpty() throws IOException {
    assertToWorker(new Shutdown());
    assertThat(frameOf(new Shutdown()).payload()).isEmpty();
  }

  @Test
  void helloRoundTrips() throws IOException {
    assertToParent(new Hello(0));
    assertToParent(new Hello(Long.MAX_VALUE));
    assertToParent(new Hello(ProcessHandle.current().pid()));
  }

  @Test
  void resultsRoundTrip() throws IOException {
    assertToParent(new Results(1, 0, false, 0, 0, encode()));
    assertToParent(new Results(Long.MAX_VALUE, Integer.MAX_VALUE, true, Long.MAX_VALUE, Long.MAX_VALUE,
        encode(Long.MIN_VALUE, Long.MAX_VALUE)));
    assertToParent(new Results(3, 4, true, -1, -1, encode(UNICODE, "")));
    assertToParent(new Results(3, 4, false, 12, 34,
        encode(RemoteFailure.of(new IllegalStateException(UNICODE), null), null, 5)));
  }

  @Test
  void initFailedRoundTrips() throws IOException {
    assertToParent(new InitFailed(false, new byte[0]));
    assertToParent(new InitFailed(false, Values.encodeOne(RemoteFailure.of(new Error(UNICODE), null), CODEC)));
    assertToParent(new InitFailed(true, Values.encodeOne(RemoteFailure.of(new Error(UNICODE), null), CODEC)));
  }

  @Test
  void heartbeatRoundTripsEmpty() throws IOException {
    assertToParent(new Heartbeat());
    assertThat(frameOf(new Heartbeat()).payload()).isEmpty();
    assertThatThrownBy(() -> Message.ToParent.decode(new Frame(Frame.HEARTBEAT, new byte[1])))
        .isInstanceOf(Frame.ProtocolException.class).hasMessageContaining("HEARTBEAT");
  }

  @Test
  void fatalRoundTrips() throws IOException {
    assertToParent(new Fatal(0, 0, new byte[0]));
    assertToParent(new Fatal(Long.MAX_VALUE, Integer.MAX_VALUE,
        Values.encodeOne(RemoteFailure.of(new StackOverflowError(), null), CODEC)));
  }

  @Test
  void eachSideRejectsTheOtherSidesMessages() throws IOException {
    Frame config = frameOf(new Config(1, "c", "", false, 0, 0, new byte[0]));
    Frame hello = frameOf(new Hello(1));
    assertThatThrownBy(() -> Message.ToParent.decode(config))
        .isInstanceOf(Frame.ProtocolException.class).hasMessageContaining("CONFIG");
    assertThatThrownBy(() -> Message.ToWorker.decode(hello))
        .isInstanceOf(Frame.ProtocolException.class).hasMessageContaining("HELLO");
    assertThatThrownBy(() -> Message.ToWorker.decode(new Frame((byte) 99, new byte[0])))
        .isInstanceOf(Frame.ProtocolException.class).hasMessageContaining("unknown type 99");
  }

  @Test
  void compactValuesRoundTripWithTheirEdgeValues() throws Exception {
    assertValues(new Object[0]);
    assertValues(Integer.MIN_VALUE, -1, 0, Integer.MAX_VALUE);
    assertValues(Long.MIN_VALUE, 0L, Long.MAX_VALUE);
    assertValues(Double.NaN, -0.0, 0.0, Double.NEGATIVE_INFINITY, Double.MIN_VALUE, Double.MAX_VALUE);
    assertValues("", UNICODE, "x".repeat(70_000));
  }

  @Test
  void bigValuesRoundTripRawWithTheirEdges() throws Exception {
    assertValues(new byte[0], new byte[] {-128, 0, 127}, new byte[70_000]);
    assertValues(new int[] {Integer.MIN_VALUE, -1, 0, Integer.MAX_VALUE}, new int[0]);
    assertValues(new long[] {Long.MIN_VALUE, Long.MAX_VALUE}, new long[3]);
    assertValues(new double[] {Double.NaN, -0.0, Double.MAX_VALUE, Double.NEGATIVE_INFINITY});
    assertValues(new float[] {Float.NaN, -0.0f, Float.MIN_VALUE}, new float[1]);
    assertValues(new short[] {Short.MIN_VALUE, 1, Short.MAX_VALUE});
    assertValues(new char[] {'a', '\u0000', '\uffff', '\ud800'}, new char[0]);
    assertValues(new boolean[] {true, false, true}, new boolean[0]);
    assertValues(ByteBuffer.wrap(new byte[] {1, 2, 3}), ByteBuffer.allocate(0));
    // Longer than one 64 KB slice of the writer's conversion buffer, with an odd tail.
    assertValues(IntStream.range(0, 100_003).toArray(), LongStream.range(0, 20_001).toArray());
    boolean[] flags = new boolean[70_001];
    flags[70_000] = true;
    assertValues(flags);
  }

  @Test
  void rawValuesCostTheirBytesAndAFewMore() throws IOException {
    assertThat(encode((Object) new byte[1000]).length()).isEqualTo(1 + 4 + 4 + 1000);
    assertThat(encode(new long[100], new long[1]).length()).isEqualTo(1 + 4 + 1 + 2 * 4 + 8 * 101);
    assertThat(encode((Object) ByteBuffer.allocateDirect(10)).length()).isEqualTo(1 + 4 + 1 + 4 + 10);
  }

  @Test
  void aBufferArrivesAsItsRemainingBytesOfTheSameKindAndTheSendersPositionStays() throws Exception {
    ByteBuffer direct = ByteBuffer.allocateDirect(8).put(new byte[] {9, 8, 7, 6, 5, 4, 3, 2});
    direct.position(2).limit(5);
    ByteBuffer heap = ByteBuffer.wrap(new byte[] {1, 2, 3, 4}, 1, 2).asReadOnlyBuffer();
    Object[] out = Values.read(Values.parse(encode(direct, heap).toByteArray()), CODEC);
    ByteBuffer d = (ByteBuffer) out[0];
    ByteBuffer h = (ByteBuffer) out[1];
    assertThat(d.isDirect()).isTrue();
    assertThat(d.position()).isZero();
    assertThat(d.remaining()).isEqualTo(3);
    assertThat(d.get(0)).isEqualTo((byte) 7);
    assertThat(h.isDirect()).isFalse();
    assertThat(h.remaining()).isEqualTo(2);
    assertThat(h.get(0)).isEqualTo((byte) 2);
    assertThat(direct.position()).isEqualTo(2);
  }

  @Test
  void mixedArraysTakeTheCodecAndStillRoundTrip() throws Exception {
    assertValues(new byte[] {1}, new int[] {2});
    assertValues(new byte[] {1}, null);
  }

  @Test
  void aFrameOfAHundredMegabyteArrayIsReadWhole() throws IOException {
    byte[] big = new byte[100 << 20];
    big[big.length - 1] = 42;
    RunBatch batch = new RunBatch(1, 2, new byte[0], encode((Object) big));
    RunBatch back = (RunBatch) Message.ToWorker.decode(frameOf(batch));
    assertThat(back.inputs().count()).isEqualTo(1);
    assertThat(back.inputs().length()).isEqualTo(batch.inputs().length());
  }

  @Test
  void codecValuesRoundTrip() throws Exception {
    assertValues((Object) null);
    assertValues(1, 2L, "three", null, new BigDecimal("4.5"), List.of(6));
    assertValues(new int[] {1, 2}, new String[0]);
  }

  @Test
  void aBlockKnowsItsCountWithoutDecoding() throws IOException {
    assertThat(Values.parse(encode(1, 2, 3).toByteArray()).count()).isEqualTo(3);
    assertThat(Values.parse(encode("a", "b").toByteArray()).count()).isEqualTo(2);
    assertThat(Values.parse(encode(1, "mixed", null, 4.0).toByteArray()).count()).isEqualTo(4);
    assertThat(Values.parse(encode().toByteArray()).count()).isZero();
  }

  @Test
  void aBlockWithBytesAfterItIsRefused() throws IOException {
    byte[] block = encode(1, 2).toByteArray();
    byte[] longer = Arrays.copyOf(block, block.length + 1);
    assertThatThrownBy(() -> Values.parse(longer))
        .isInstanceOf(Frame.ProtocolException.class).hasMessageContaining("1 bytes left over");
  }

  @Test
  void aCountLargerThanItsBytesIsRefusedBeforeAnythingIsAllocated() throws IOException {
    byte[] block = encode(1, 2).toByteArray();
    block[1] = 0x7f; // count 0x7f000002
    assertThatThrownBy(() -> Values.parse(block))
        .isInstanceOf(Frame.ProtocolException.class).hasMessageContaining("count 2130706434 needs at least");
  }

  @Test
  void aFrameOfManyMegabytesIsReadWhole() throws IOException {
    Object[] inputs = new Object[1 << 20];
    Arrays.setAll(inputs, i -> (long) i);
    RunBatch big = new RunBatch(1, 2, new byte[0], encode(inputs));
    assertThat(big.payloadLength()).isGreaterThan(8 << 20);
    assertToWorker(big);
  }

  @Test
  void aTruncatedFrameSaysWhereTheStreamEnded() throws IOException {
    byte[] bytes = bytesOf(new Hello(1));
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes, 0, bytes.length - 3));
    assertThatThrownBy(() -> Frame.readFrom(in)).hasMessage("the stream ended inside a frame: 5 of 8 payload bytes");
  }

  @Test
  void aLargeFrameCutShortSaysHowFarItGot() throws IOException {
    byte[] bytes = bytesOf(new RunBatch(1, 2, new byte[0], encode((Object) new byte[20 << 20])));
    for (int cut : new int[] {1 << 20, 10 << 20}) {
      DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes, 0, Frame.HEADER_LENGTH + cut));
      assertThatThrownBy(() -> Frame.readFrom(in))
          .hasMessage("the stream ended inside a frame: " + cut + " of " + (bytes.length - Frame.HEADER_LENGTH)
              + " payload bytes");
    }
  }

  static EncodedValues encode(Object... values) throws IOException {
    return Values.encode(values, CODEC);
  }

  static byte[] bytesOf(Message m) throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(buf);
    m.writeTo(out);
    out.flush();
    return buf.toByteArray();
  }

  /** The message written to a stream and read back as a frame; the stream holds exactly that frame. */
  static Frame frameOf(Message m) throws IOException {
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytesOf(m)));
    Frame f = Frame.readFrom(in);
    assertThat(in.read()).as("bytes after the frame").isEqualTo(-1);
    assertThat(f.type()).isEqualTo(m.type());
    assertThat(f.payload()).hasSize(m.payloadLength());
    return f;
  }

  /** Decoded from a whole frame and read from the stream as it arrives, the message is the same. */
  private static void assertToWorker(Message.ToWorker m) throws IOException {
    assertThat(Message.ToWorker.decode(frameOf(m))).isEqualTo(m).hasSameHashCodeAs(m);
    DataInputStream in = streamOf(m);
    assertThat(Message.ToWorker.readFrom(in)).isEqualTo(m).hasSameHashCodeAs(m);
    assertThat(in.read()).as("bytes after the frame").isEqualTo(-1);
  }

  private static void assertToParent(Message.ToParent m) throws IOException {
    assertThat(Message.ToParent.decode(frameOf(m))).isEqualTo(m).hasSameHashCodeAs(m);
    DataInputStream in = streamOf(m);
    assertThat(Message.ToParent.readFrom(in)).isEqualTo(m).hasSameHashCodeAs(m);
    assertThat(in.read()).as("bytes after the frame").isEqualTo(-1);
  }

  static DataInputStream streamOf(Message m) throws IOException {
    return new DataInputStream(new ByteArrayInputStream(bytesOf(m)));
  }

  /** The values survive a block in an array (parsed, then read) and a results frame read from a stream. */
  static void assertValues(Object... values) throws Exception {
    EncodedValues block = encode(values);
    EncodedValues parsed = Values.parse(block.toByteArray());
    assertThat(parsed).isEqualTo(block);
    assertThat(parsed.count()).isEqualTo(values.length);
    assertThat(Values.read(parsed, CODEC)).isEqualTo(values);
    Results streamed = (Results) Message.ToParent.readFrom(streamOf(new Results(1, 0, true, 0, 0, block)));
    assertThat(streamed.values().count()).isEqualTo(values.length);
    assertThat(streamed.values().length()).isEqualTo(block.length());
    assertThat(Values.read(streamed.values(), CODEC)).isEqualTo(values);
  }
}
