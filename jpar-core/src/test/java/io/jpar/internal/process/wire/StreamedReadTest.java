package io.jpar.internal.process.wire;

import static io.jpar.internal.process.wire.MessageRoundTripTest.assertValues;
import static io.jpar.internal.process.wire.MessageRoundTripTest.bytesOf;
import static io.jpar.internal.process.wire.MessageRoundTripTest.encode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The sides' stream readers ({@link Message.ToParent#readFrom}, {@link Message.ToWorker#readFrom})
 * decode big values as they arrive, each straight into its own array: no payload array that the value
 * is then copied out of, every kind of raw value, and the same guards as a frame read whole — a stream
 * that ends inside a value says how far it got, a length past the frame's end is refused naming it, and
 * a torn length costs at most eight times the bytes that really came.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class StreamedReadTest {
  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
  private static final long SLACK = 4L << 20;
  /** Where the first value's length sits in a RESULTS frame of a BYTES block: header, fields, tag, count. */
  private static final int FIRST_LENGTH_AT = Frame.HEADER_LENGTH + 8 + 4 + 1 + 8 + 8 + 1 + 4;

  @Test
  void aBigResultIsReadStraightIntoItsOwnArray() throws Exception {
    byte[] big = new byte[64 << 20];
    new Random(1).nextBytes(big);
    byte[] wire = bytesOf(new Results(7, 0, true, 1, 2, encode((Object) big)));
    long before = THREADS.getCurrentThreadAllocatedBytes();
    Results r = (Results) Message.ToParent.readFrom(stream(wire));
    long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
    byte[] back = (byte[]) Values.read(r.values(), MessageRoundTripTest.CODEC)[0];
    assertThat(back).isEqualTo(big);
    // A payload array and a copy out of it would be twice the value; an eighth is held in slices first.
    assertThat(allocated).as("bytes allocated to read a %d-byte value", big.length)
        .isLessThan(big.length + big.length / 8 + SLACK);
  }

  @Test
  void aBigPrimitiveArrayIsConvertedStraightIntoItsOwnArray() throws Exception {
    long[] big = new long[4 << 20];
    Arrays.setAll(big, i -> i * 0x9E3779B97F4A7C15L);
    byte[] wire = bytesOf(new RunBatch(1, 2, new byte[0], encode((Object) big)));
    long before = THREADS.getCurrentThreadAllocatedBytes();
    RunBatch b = (RunBatch) Message.ToWorker.readFrom(stream(wire));
    long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
    assertThat((long[]) Values.read(b.inputs(), MessageRoundTripTest.CODEC)[0]).isEqualTo(big);
    assertThat(allocated).isLessThan(8L * big.length + big.length + SLACK);
  }

  @Test
  void everyRawKindLargerThanTheTrustedSizeRoundTripsThroughTheStream() throws Exception {
    int n = 3 << 20; // past PayloadReader.TRUSTED_LENGTH: allocated after an eighth, the slices copied in
    Random random = new Random(2);
    byte[] bytes = new byte[n + 3];
    random.nextBytes(bytes);
    assertValues(bytes, new byte[0], new byte[] {1});
    assertValues(random.ints(n / 4 + 1).toArray());
    assertValues(random.longs(n / 8 + 1).toArray());
    assertValues(random.doubles(n / 8 + 1).toArray());
    float[] floats = new float[n / 4 + 1];
    short[] shorts = new short[n / 2 + 1];
    char[] chars = new char[n / 2 + 1];
    boolean[] flags = new boolean[n + 1];
    for (int i = 0; i < flags.length; i++) {
      flags[i] = random.nextBoolean();
      if (i < floats.length) {
        floats[i] = random.nextFloat();
      }
      if (i < shorts.length) {
        shorts[i] = (short) random.nextInt();
        chars[i] = (char) random.nextInt();
      }
    }
    assertValues(floats);
    assertValues(shorts);
    assertValues(chars);
    assertValues(flags);
    assertValues("x".repeat(n), "é😀".repeat(n / 6));
    ByteBuffer direct = ByteBuffer.allocateDirect(n).put(bytes, 0, n).flip();
    assertValues(ByteBuffer.wrap(bytes), direct);
  }

  @Test
  void aStreamThatEndsInsideABigValueSaysHowFarItGotOnEitherSide() throws IOException {
    byte[] batch = bytesOf(new RunBatch(1, 2, new byte[] {9}, encode((Object) new byte[20 << 20])));
    byte[] results = bytesOf(new Results(1, 0, true, 0, 0, encode(new int[5 << 20])));
    for (int cut : new int[] {3, 17, 1 << 20, 10 << 20}) {
      assertThatThrownBy(() -> Message.ToWorker.readFrom(stream(batch, cut)))
          .isInstanceOf(EOFException.class)
          .hasMessage("the stream ended inside a frame: " + cut + " of " + (batch.length - Frame.HEADER_LENGTH)
              + " payload bytes");
      assertThatThrownBy(() -> Message.ToParent.readFrom(stream(results, cut)))
          .isInstanceOf(EOFException.class)
          .hasMessageStartingWith("the stream ended inside a frame: ")
          .hasMessageEndingWith(" of " + (results.length - Frame.HEADER_LENGTH) + " payload bytes");
    }
  }

  @Test
  void aValueLengthPastTheFramesEndIsRefusedNamingIt() throws IOException {
    byte[] wire = bytesOf(new Results(1, 0, true, 0, 0, encode((Object) new byte[2 << 20])));
    ByteBuffer.wrap(wire).putInt(FIRST_LENGTH_AT, (2 << 20) + 1);
    assertThatThrownBy(() -> Message.ToParent.readFrom(stream(wire)))
        .isInstanceOf(Frame.ProtocolException.class)
        .hasMessageContaining("RESULTS frame")
        .hasMessageContaining("byte[] length " + ((2 << 20) + 1) + " needs at least");
  }

  @Test
  void aTornFrameLengthCostsAtMostEightTimesWhatArrived() throws IOException {
    byte[] wire = bytesOf(new Results(1, 0, true, 0, 0, encode((Object) new byte[2 << 20])));
    // The envelope and the value claim nearly 1 GiB; 2 MiB came.
    ByteBuffer.wrap(wire).putInt(2, Frame.MAX_LENGTH).putInt(FIRST_LENGTH_AT, Frame.MAX_LENGTH - 64);
    long before = THREADS.getCurrentThreadAllocatedBytes();
    assertThatThrownBy(() -> Message.ToParent.readFrom(stream(wire))).isInstanceOf(EOFException.class);
    assertThat(THREADS.getCurrentThreadAllocatedBytes() - before).isLessThan(8L * wire.length + SLACK);
  }

  @Test
  void strayOutputIsRefusedByTheStreamReaderKeepingItsFirstByte() {
    byte[] stray = "Terminating due to java.lang.OutOfMemoryError".getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> Message.ToParent.readFrom(stream(stray)))
        .isInstanceOfSatisfying(Frame.ProtocolException.class, e -> assertThat(e.strayByte()).isEqualTo('T'));
  }

  @Test
  void aFrameForTheOtherSideIsRefusedByTheStreamReader() throws IOException {
    byte[] hello = bytesOf(new Hello(1));
    assertThatThrownBy(() -> Message.ToWorker.readFrom(stream(hello)))
        .isInstanceOf(Frame.ProtocolException.class).hasMessageContaining("does not expect a frame of HELLO");
  }

  private static DataInputStream stream(byte[] wire) {
    return new DataInputStream(new ByteArrayInputStream(wire));
  }

  /** The frame's header and the first {@code payloadBytes} of its payload. */
  private static DataInputStream stream(byte[] wire, int payloadBytes) {
    return new DataInputStream(new ByteArrayInputStream(wire, 0, Frame.HEADER_LENGTH + payloadBytes));
  }
}
